using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>
/// How a request the authorization policy refuses is answered. A gRPC caller gets
/// UNAUTHENTICATED or PERMISSION_DENIED as a gRPC status with a message (a bare HTTP 401 is
/// all some clients could report otherwise); a token whose issuer cannot be reached gets 503
/// (UNAVAILABLE) with Retry-After, because the platform cannot tell whether it is good. A
/// REST caller with a bad token still gets the plain 401 with WWW-Authenticate: Bearer.
/// </summary>
public sealed class FederatedChallenge : IAuthorizationMiddlewareResultHandler
{
    private const string UnavailableKey = "federation.issuer-unavailable";
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    /// <summary>Remembers, for this request, that its token's issuer could not be reached.</summary>
    public static void IssuerUnavailable(HttpContext context, IssuerUnavailableException error) => context.Items[UnavailableKey] = error;

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged && context.Items[UnavailableKey] is IssuerUnavailableException unavailable)
        {
            await StatusResponses.WriteAsync(context, grpcCode: 14, StatusCodes.Status503ServiceUnavailable,
                "The identity provider that issued the access token cannot be reached; retry after the time in Retry-After.", unavailable.RetryAfter);
            return;
        }
        if (StatusResponses.IsGrpc(context.Request) && (authorizeResult.Challenged || authorizeResult.Forbidden))
        {
            if (authorizeResult.Challenged)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await StatusResponses.WriteAsync(context, grpcCode: 16, StatusCodes.Status401Unauthorized,
                    "The call needs a valid access token from a trusted identity provider.");
                return;
            }
            await StatusResponses.WriteAsync(context, grpcCode: 7, StatusCodes.Status403Forbidden, "The access token does not allow this call.");
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
