using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Portal.Session;

/// <summary>
/// A session's access token, refreshed with its refresh token shortly before it expires.
/// When the provider refuses the refresh (expired, revoked) the session ends: its ticket is
/// removed, so the next request finds no session and goes back to sign-in.
/// </summary>
public sealed partial class SessionTokens(
    SessionTicketStore store, SignInChoices choices, IOptionsMonitor<OpenIdConnectOptions> oidc, PortalOptions options,
    TimeProvider clock, ILogger<SessionTokens> logger) : IDisposable
{
    private const string AccessToken = "access_token";
    private const string RefreshToken = "refresh_token";
    private const string ExpiresAt = "expires_at";

    // Refresh tokens are single-use (rotated): two refreshes of one session must not race.
    private readonly SemaphoreSlim _refreshing = new(1, 1);

    /// <summary>A valid access token of the session, or null when the session is over.</summary>
    public async Task<string?> AccessTokenAsync(string session, CancellationToken ct)
    {
        var ticket = await store.RetrieveAsync(session, ct);
        if (ticket is null)
        {
            return null;
        }
        if (!NeedsRefresh(ticket))
        {
            return ticket.Properties.GetTokenValue(AccessToken);
        }
        await _refreshing.WaitAsync(ct);
        try
        {
            // Another caller may have refreshed it while this one waited.
            ticket = await store.RetrieveAsync(session, ct);
            if (ticket is null)
            {
                return null;
            }
            return NeedsRefresh(ticket) ? await RefreshAsync(session, ticket, ct) : ticket.Properties.GetTokenValue(AccessToken);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public void Dispose() => _refreshing.Dispose();

    private bool NeedsRefresh(AuthenticationTicket ticket) =>
        ExpiryOf(ticket) is not { } expires || expires - clock.GetUtcNow() < options.RefreshBefore;

    private static DateTimeOffset? ExpiryOf(AuthenticationTicket ticket) =>
        DateTimeOffset.TryParse(ticket.Properties.GetTokenValue(ExpiresAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private async Task<string?> RefreshAsync(string session, AuthenticationTicket ticket, CancellationToken ct)
    {
        var provider = choices.Find(ticket.Principal.FindFirst(PortalClaims.Provider)?.Value);
        var refreshToken = ticket.Properties.GetTokenValue(RefreshToken);
        if (provider is null || string.IsNullOrEmpty(refreshToken))
        {
            return await EndAsync(session, "no refresh token");
        }
        var scheme = oidc.Get(provider.Scheme);
        TokenResponse? tokens;
        try
        {
            var configuration = await scheme.ConfigurationManager!.GetConfigurationAsync(ct);
            using var response = await scheme.Backchannel.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["client_id"] = options.ClientId,
            }), ct);
            if (!response.IsSuccessStatusCode)
            {
                // invalid_grant and the like: the provider ended the session (revoked, expired).
                return await EndAsync(session, $"the provider refused the refresh ({(int)response.StatusCode})");
            }
            tokens = await response.Content.ReadFromJsonAsync<TokenResponse>(ct);
        }
        catch (HttpRequestException e)
        {
            // The provider is unreachable: keep the session while its token is still good.
            LogRefreshFailed(logger, provider.Key, e);
            return ExpiryOf(ticket) > clock.GetUtcNow() ? ticket.Properties.GetTokenValue(AccessToken) : null;
        }
        if (tokens?.AccessToken is not { Length: > 0 } access)
        {
            return await EndAsync(session, "the provider returned no access token");
        }
        ticket.Properties.UpdateTokenValue(AccessToken, access);
        if (!string.IsNullOrEmpty(tokens.RefreshToken))
        {
            ticket.Properties.UpdateTokenValue(RefreshToken, tokens.RefreshToken);
        }
        ticket.Properties.UpdateTokenValue(ExpiresAt,
            clock.GetUtcNow().AddSeconds(tokens.ExpiresIn).ToString("o", CultureInfo.InvariantCulture));
        await store.RenewAsync(session, ticket, ct);
        LogRefreshed(logger, provider.Key);
        return access;
    }

    private async Task<string?> EndAsync(string session, string why)
    {
        LogSessionEnded(logger, why);
        await store.RemoveAsync(session);
        return null;
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed a session's tokens at provider {Provider}")]
    private static partial void LogRefreshed(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach provider {Provider} to refresh a session's tokens")]
    private static partial void LogRefreshFailed(ILogger logger, string provider, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "A session ended: {Why}")]
    private static partial void LogSessionEnded(ILogger logger, string why);
}
