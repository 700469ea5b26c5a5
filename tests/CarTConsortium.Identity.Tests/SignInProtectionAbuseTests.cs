using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using CarTConsortium.Identity.SignInProtection;
using CarTConsortium.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// The brute-force attacks of issue 15 against a real provider: wrong passwords on the login page
/// and wrong client secrets at the token endpoint, per account or client and per source address,
/// on a test clock. Defaults: 5 failures lock an account or client, 20 a source, for 1 minute, then 2, 4, ...
/// </summary>
public sealed class SignInProtectionAbuseTests : IAsyncLifetime
{
    private const string Attacker = "203.0.113.66";
    private const string Elsewhere = "198.51.100.7";
    private const string OtherUser = "clinician";
    private const string OtherPassword = "Other-Horse-8";
    private const string OtherClient = "registry-feed";
    private const string OtherSecret = "registry-feed-secret-for-tests";

    private readonly TemporaryFolder _folder = new("cartc-identity-abuse-");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ConcurrentQueue<(string Instrument, string Kind)> _measured = new();
    private readonly MeterListener _listener = new();
    private IdentityProviderHost _provider = null!;
    private int _port;

    public async ValueTask InitializeAsync()
    {
        _port = IdentityProviderHost.FreePort();
        _provider = await StartAsync();
        var app = _provider.Issuer.AbsoluteUri;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SignInGuard.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var all = tags.ToArray();
            if (all.Any(t => t.Key == "app" && Equals(t.Value, app)))
            {
                _measured.Enqueue((instrument.Name, (string)all.First(t => t.Key == "kind").Value!));
            }
        });
        _listener.Start();
    }

    private Task<IdentityProviderHost> StartAsync() => IdentityProviderHost.StartAsync("KZ", _folder, _clock, _port, settings =>
    {
        settings["Identity:Users:1:UserName"] = OtherUser;
        settings["Identity:Users:1:Password"] = OtherPassword;
        settings["Identity:Users:1:Org"] = IdentityProviderHost.HospitalOrg;
        settings["Identity:Users:1:Roles:0"] = "clinician";
        settings["Identity:Clients:2:ClientId"] = OtherClient;
        settings["Identity:Clients:2:ClientSecret"] = OtherSecret;
        settings["Identity:Clients:2:Org"] = IdentityProviderHost.HospitalOrg;
        settings["Identity:Clients:2:Scopes:0"] = "registry";
    });

    [Fact]
    public async Task Forty_wrong_passwords_then_the_right_one_is_refused_with_a_clear_message_logged_and_counted()
    {
        using var browser = new BrowserSession(source: Attacker);
        for (var i = 0; i < 40; i++)
        {
            using var wrong = await LoginAsync(browser, IdentityProviderHost.UserName, $"guess-{i}");
            Assert.True(wrong.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, wrong.StatusCode.ToString());
        }

        using var right = await LoginAsync(browser, IdentityProviderHost.UserName, IdentityProviderHost.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        var error = await BrowserSession.ErrorOnPageAsync(await right.Content.ReadAsStringAsync());
        Assert.Contains("account 'COORDINATOR' is locked until", error, StringComparison.Ordinal);
        Assert.InRange(int.Parse(right.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.DoesNotContain(browser.Cookies.GetCookies(_provider.Issuer), c => c.Name.EndsWith(".login", StringComparison.Ordinal));
        // One lock-out (the 5th failure), and every later attempt refused without a password check.
        Assert.Single(_measured, m => m == ("identity.lockouts", Subject.AccountKind));
        Assert.Equal(36, _measured.Count(m => m == ("identity.locked_attempts", Subject.AccountKind)));
    }

    [Fact]
    public async Task Forty_wrong_passwords_sent_at_once_get_no_more_guesses_than_five_sent_one_by_one()
    {
        var browsers = Enumerable.Range(0, 40).Select(_ => new BrowserSession(source: Attacker)).ToList();
        try
        {
            var answers = await Task.WhenAll(browsers.Select(async (browser, i) =>
            {
                using var response = await LoginAsync(browser, IdentityProviderHost.UserName, $"parallel-guess-{i}");
                return response.StatusCode;
            }));

            // A password was checked (and found wrong) only while the account was not locked: five times.
            Assert.Equal(5, answers.Count(a => a == HttpStatusCode.OK));
            Assert.Equal(35, answers.Count(a => a == HttpStatusCode.TooManyRequests));
            Assert.Single(_measured, m => m == ("identity.lockouts", Subject.AccountKind));
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task An_account_lockout_leaves_other_accounts_at_the_same_source_alone_but_holds_at_every_source()
    {
        using var attacker = new BrowserSession(source: Attacker);
        await FailLoginsAsync(attacker, IdentityProviderHost.UserName, 5);

        using var colleague = new BrowserSession(source: Attacker);
        using var other = await LoginAsync(colleague, OtherUser, OtherPassword);
        using var victim = new BrowserSession(source: Elsewhere);
        using var lockedElsewhere = await LoginAsync(victim, IdentityProviderHost.UserName, IdentityProviderHost.Password);

        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, lockedElsewhere.StatusCode);
    }

    [Fact]
    public async Task A_source_guessing_many_accounts_is_locked_for_every_account_but_other_sources_are_not()
    {
        using var attacker = new BrowserSession(source: Attacker);
        for (var i = 0; i < 20; i++)
        {
            await FailLoginsAsync(attacker, $"someone-{i}", 1);
        }

        using var fromAttacker = await LoginAsync(attacker, IdentityProviderHost.UserName, IdentityProviderHost.Password);
        using var honest = new BrowserSession(source: Elsewhere);
        using var fromElsewhere = await LoginAsync(honest, IdentityProviderHost.UserName, IdentityProviderHost.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, fromAttacker.StatusCode);
        Assert.Contains($"source address {Attacker} is locked", await BrowserSession.ErrorOnPageAsync(await fromAttacker.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, fromElsewhere.StatusCode);
        Assert.Single(_measured, m => m == ("identity.lockouts", Subject.SourceKind));
    }

    [Fact]
    public async Task A_lockout_ends_after_its_time_and_the_next_one_in_a_row_lasts_twice_as_long()
    {
        using var browser = new BrowserSession(source: Attacker);
        await FailLoginsAsync(browser, IdentityProviderHost.UserName, 5);
        _clock.Advance(TimeSpan.FromSeconds(59));
        using (var early = await LoginAsync(browser, IdentityProviderHost.UserName, IdentityProviderHost.Password))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(2));
        await FailLoginsAsync(browser, IdentityProviderHost.UserName, 5);
        _clock.Advance(TimeSpan.FromSeconds(61));
        using (var stillLocked = await LoginAsync(browser, IdentityProviderHost.UserName, IdentityProviderHost.Password))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(60));
        using var afterwards = await LoginAsync(browser, IdentityProviderHost.UserName, IdentityProviderHost.Password);
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
    }

    [Fact]
    public async Task Thirty_wrong_client_secrets_then_the_right_one_is_refused_with_429_and_Retry_After()
    {
        for (var i = 0; i < 30; i++)
        {
            using var wrong = await ClientCredentialsAsync(IdentityProviderHost.HospitalClient, $"guess-{i}", Attacker);
            Assert.True(wrong.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, wrong.StatusCode.ToString());
        }

        using var right = await ClientCredentialsAsync(IdentityProviderHost.HospitalClient, IdentityProviderHost.HospitalSecret, Attacker);
        using var basic = await _provider.PostTokenAsync([("grant_type", "client_credentials")], Attacker,
            (IdentityProviderHost.HospitalClient, IdentityProviderHost.HospitalSecret));

        foreach (var refused in new[] { right, basic })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("invalid_client", body.RootElement.GetProperty("error").GetString());
            Assert.Contains($"client '{IdentityProviderHost.HospitalClient}' is locked until", body.RootElement.GetProperty("error_description").GetString(), StringComparison.Ordinal);
            Assert.False(body.RootElement.TryGetProperty("access_token", out _));
        }
        Assert.Single(_measured, m => m == ("identity.lockouts", Subject.ClientKind));
    }

    [Fact]
    public async Task A_client_lockout_leaves_other_clients_alone_holds_at_every_source_survives_a_restart_and_ends_after_its_time()
    {
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await ClientCredentialsAsync(IdentityProviderHost.HospitalClient, "not-the-secret", Attacker);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var otherClient = await ClientCredentialsAsync(OtherClient, OtherSecret, Attacker);
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
        await _provider.DisposeAsync();
        _provider = await StartAsync();
        using var afterRestart = await ClientCredentialsAsync(IdentityProviderHost.HospitalClient, IdentityProviderHost.HospitalSecret, Elsewhere);
        Assert.Equal(HttpStatusCode.TooManyRequests, afterRestart.StatusCode);

        _clock.Advance(TimeSpan.FromSeconds(61));
        using var later = await ClientCredentialsAsync(IdentityProviderHost.HospitalClient, IdentityProviderHost.HospitalSecret, Elsewhere);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Wrong_client_secrets_from_many_clients_lock_the_source_for_every_client()
    {
        for (var i = 0; i < 20; i++)
        {
            using var wrong = await ClientCredentialsAsync($"invented-{i}", "whatever", Attacker);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var fromAttacker = await ClientCredentialsAsync(IdentityProviderHost.HospitalClient, IdentityProviderHost.HospitalSecret, Attacker);
        using var fromElsewhere = await ClientCredentialsAsync(IdentityProviderHost.HospitalClient, IdentityProviderHost.HospitalSecret, Elsewhere);

        Assert.Equal(HttpStatusCode.TooManyRequests, fromAttacker.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromElsewhere.StatusCode);
    }

    private Task<HttpResponseMessage> ClientCredentialsAsync(string clientId, string secret, string source) =>
        _provider.PostTokenAsync([("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret), ("scope", "registry")], source);

    private async Task<HttpResponseMessage> LoginAsync(BrowserSession browser, string userName, string password) =>
        await browser.SubmitLoginAsync(new Uri(_provider.Issuer, "account/login"), userName, password);

    private async Task FailLoginsAsync(BrowserSession browser, string userName, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await LoginAsync(browser, userName, "not-the-password");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _provider.DisposeAsync();
        _folder.Dispose();
    }
}
