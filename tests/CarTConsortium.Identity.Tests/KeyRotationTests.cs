using System.Net;
using CarTConsortium.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// The key ring on a test clock, in one running process: rotation period 30 days, published 2
/// days ahead, access tokens 15 minutes, refresh tokens 1 day (so a key retires 1 day after its successor activates).
/// </summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private static readonly TimeSpan Rotation = TimeSpan.FromDays(30);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private readonly TemporaryFolder _folder = new("cartc-identity-keys-");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private IdentityProviderHost _provider = null!;

    public async ValueTask InitializeAsync() => _provider = await IdentityProviderHost.StartAsync("KZ", _folder, _clock);

    [Fact]
    public async Task The_next_key_is_published_ahead_signs_from_its_activation_and_the_old_one_retires_later()
    {
        var start = _clock.GetUtcNow();
        var first = Assert.Single(await _provider.PublishedKidsAsync());
        Assert.Equal(first, IdentityProviderHost.Kid(await _provider.ClientCredentialsTokenAsync()));

        // Not yet 2 days before activation: nothing new.
        _clock.SetUtcNow(start + Rotation - TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1));
        Assert.Equal([first], await _provider.PublishedKidsAsync());

        // Within the lead time: the successor is in the JWKS, but the first key still signs.
        _clock.SetUtcNow(start + Rotation - TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        var published = await _provider.PublishedKidsAsync();
        Assert.Equal(2, published.Count);
        var second = Assert.Single(published, kid => kid != first);
        Assert.Equal(first, IdentityProviderHost.Kid(await _provider.ClientCredentialsTokenAsync()));

        // Just before activation a token is signed with the first key...
        _clock.SetUtcNow(start + Rotation - TimeSpan.FromMinutes(5));
        var signedByFirst = await _provider.ClientCredentialsTokenAsync();
        Assert.Equal(first, IdentityProviderHost.Kid(signedByFirst));

        // ...after it the successor signs, and that token still validates against the JWKS.
        _clock.SetUtcNow(start + Rotation + TimeSpan.FromMinutes(5));
        var signedBySecond = await _provider.ClientCredentialsTokenAsync();
        Assert.Equal(second, IdentityProviderHost.Kid(signedBySecond));
        Assert.True((await _provider.ValidateAsync(signedByFirst, _clock)).IsValid);
        Assert.True((await _provider.ValidateAsync(signedBySecond, _clock)).IsValid);
        Assert.Equal(new HashSet<string> { first, second }, (await _provider.PublishedKidsAsync()).ToHashSet());

        // Until no token the first key signed can be valid any more; then it leaves the JWKS.
        _clock.SetUtcNow(start + Rotation + Retention - TimeSpan.FromMinutes(1));
        Assert.Contains(first, await _provider.PublishedKidsAsync());
        _clock.SetUtcNow(start + Rotation + Retention + TimeSpan.FromMinutes(1));
        Assert.Equal([second], await _provider.PublishedKidsAsync());
        Assert.True((await _provider.ValidateAsync(await _provider.ClientCredentialsTokenAsync(), _clock)).IsValid);
    }

    [Fact]
    public async Task A_refresh_token_issued_before_a_rotation_is_redeemed_after_it()
    {
        // The ring's timer publishes the successor on schedule, with nobody asking.
        _clock.Advance(Rotation - TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        // Refresh tokens live 1 day: sign in half a day before the successor activates.
        _clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromHours(12));
        using var browser = new BrowserSession();
        var verifier = BrowserSession.NewVerifier();
        var code = await browser.SignInForCodeAsync(_provider.Issuer, verifier);
        var (_, tokens) = await _provider.TokenAsync(("grant_type", "authorization_code"), ("code", code),
            ("client_id", IdentityProviderHost.PortalClient), ("redirect_uri", IdentityProviderHost.PortalRedirect), ("code_verifier", verifier));
        var before = IdentityProviderHost.Kid(tokens.GetProperty("access_token").GetString()!);

        _clock.Advance(TimeSpan.FromHours(13));
        var (status, refreshed) = await _provider.TokenAsync(("grant_type", "refresh_token"),
            ("refresh_token", tokens.GetProperty("refresh_token").GetString()!), ("client_id", IdentityProviderHost.PortalClient));

        Assert.True(status == HttpStatusCode.OK, refreshed.ToString());
        var after = refreshed.GetProperty("access_token").GetString()!;
        Assert.NotEqual(before, IdentityProviderHost.Kid(after));
        Assert.True((await _provider.ValidateAsync(after, _clock)).IsValid);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _folder.Dispose();
    }
}
