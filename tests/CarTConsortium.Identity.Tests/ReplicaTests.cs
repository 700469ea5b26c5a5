using System.Net;
using CarTConsortium.Identity.SignInProtection;
using CarTConsortium.Identity.Storage;
using CarTConsortium.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// Two replicas of one provider: two WebApplications on their own ports, one issuer, one database file,
/// as two pods behind one Service share one PostgreSQL database.
/// </summary>
public sealed class ReplicaTests : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new("cartc-identity-replicas-");
    private IdentityProviderHost _first = null!;
    private IdentityProviderHost _second = null!;

    public async ValueTask InitializeAsync()
    {
        _first = await IdentityProviderHost.StartAsync("KZ", _folder);
        _second = await IdentityProviderHost.StartAsync("KZ", _folder, adjust: settings => settings["Identity:Issuer"] = _first.Issuer.AbsoluteUri);
    }

    [Fact]
    public async Task A_token_issued_by_one_replica_validates_against_the_jwks_of_the_other()
    {
        var byFirst = await _first.ClientCredentialsTokenAsync();
        var bySecond = await _second.ClientCredentialsTokenAsync();

        Assert.Equal(IdentityProviderHost.Kid(byFirst), IdentityProviderHost.Kid(bySecond));
        Assert.Equal(await _first.PublishedKidsAsync(), await _second.PublishedKidsAsync());
        var validated = await _second.ValidateAsync(byFirst);
        Assert.True(validated.IsValid, validated.Exception?.ToString());
        Assert.True((await _first.ValidateAsync(bySecond)).IsValid);
    }

    [Fact]
    public async Task A_login_form_cookie_and_code_made_by_one_replica_are_accepted_by_the_other()
    {
        using var browser = new BrowserSession();
        var verifier = BrowserSession.NewVerifier();
        using var authorize = await browser.GetAsync(BrowserSession.AuthorizeUri(_second.Address, BrowserSession.ChallengeOf(verifier)));
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);

        // The form (and its anti-forgery cookie and token) comes from the first replica, the post goes to the second.
        using var page = await browser.GetAsync(new Uri(_first.Address, authorize.Headers.Location!));
        var form = await BrowserSession.ReadFormAsync(await page.Content.ReadAsStringAsync());
        var fields = form.Elements.OfType<AngleSharp.Html.Dom.IHtmlInputElement>().Where(i => i.Type == "hidden")
            .Select(i => KeyValuePair.Create(i.Name!, i.Value))
            .Append(KeyValuePair.Create("username", IdentityProviderHost.UserName))
            .Append(KeyValuePair.Create("password", IdentityProviderHost.Password));
        using var login = await browser.PostFormAsync(new Uri(_second.Address, form.GetAttribute("action")), fields);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);

        // The login cookie the second replica made signs the person in at the first.
        using var back = await browser.GetAsync(new Uri(_first.Address, login.Headers.Location!));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var code = BrowserSession.CodeFrom(back.Headers.Location!);

        // The code the first replica encrypted is redeemed at the second.
        var (status, body) = await _second.TokenAsync(("grant_type", "authorization_code"), ("code", code),
            ("client_id", IdentityProviderHost.PortalClient), ("redirect_uri", IdentityProviderHost.PortalRedirect), ("code_verifier", verifier));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.True((await _first.ValidateAsync(body.GetProperty("access_token").GetString()!)).IsValid);
    }

    [Fact]
    public async Task The_data_protection_keys_are_in_the_database_and_encrypted_there()
    {
        // Any page with a form makes the data-protection system create (or load) its key.
        using var page = await _first.Http.GetAsync(new Uri("account/login", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        await using var scope = _second.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IdentityStore>().DataProtectionKeys.AsNoTracking().ToListAsync();

        var key = Assert.Single(stored);
        Assert.Contains("<encryptedKey", key.Xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_counted_by_both_replicas_at_once_are_all_counted()
    {
        var source = Subject.Source("10.9.9.9");
        var guards = new[] { _first, _second }.Select(h => h.Services.GetRequiredService<SignInGuard>()).ToList();

        // 16 failures of one source (its threshold is 20), half on each replica, all at once: none may overwrite another.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => guards[i % 2].FailedAsync(null, source, CancellationToken.None))));

        await using (var scope = _first.Services.CreateAsyncScope())
        {
            var entry = await scope.ServiceProvider.GetRequiredService<IdentityStore>().Failures.AsNoTracking().SingleAsync(f => f.Key == source.Key);
            Assert.Equal(16, entry.Failures);
        }
        Assert.Null(await guards[0].FindLockAsync(null, source, CancellationToken.None));

        // The 20th, counted on either replica, locks the source on both.
        for (var i = 0; i < 4; i++)
        {
            await guards[1].FailedAsync(null, source, CancellationToken.None);
        }
        Assert.NotNull(await guards[0].FindLockAsync(null, source, CancellationToken.None));
        Assert.NotNull(await guards[1].FindLockAsync(null, source, CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        _folder.Dispose();
    }
}
