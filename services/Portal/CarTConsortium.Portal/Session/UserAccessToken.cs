using Microsoft.AspNetCore.Components.Authorization;

namespace CarTConsortium.Portal.Session;

/// <summary>The signed-in person's access token, for calls made in their scope (a request or a circuit).</summary>
public sealed class UserAccessToken(AuthenticationStateProvider authentication, SessionTokens tokens)
{
    /// <summary>Null when nobody is signed in or the session is over; the gateway then answers UNAUTHENTICATED.</summary>
    public async Task<string?> GetAsync(CancellationToken ct)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return PortalClaims.SessionOf(state.User) is { } session ? await tokens.AccessTokenAsync(session, ct) : null;
    }
}
