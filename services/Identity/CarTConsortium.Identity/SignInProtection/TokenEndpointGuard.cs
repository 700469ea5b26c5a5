using System.Globalization;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace CarTConsortium.Identity.SignInProtection;

/// <summary>
/// Client secrets at the token endpoint, every grant that authenticates a confidential client:
/// a locked client or source is refused before its secret is checked (HTTP 429, Retry-After), and
/// every <c>invalid_client</c> answer counts as a failure.
/// </summary>
internal static class TokenEndpointGuard
{
    private const string LockoutProperty = ".cartc.lockout";

    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors => [RefuseLocked.Descriptor, CountOutcome.Descriptor];

    private static Subject SourceOf(OpenIddictServerTransaction transaction) =>
        Subject.Source(SourceAddress.Of(transaction.GetHttpRequest()?.HttpContext.Connection.RemoteIpAddress));

    /// <summary>
    /// The client a failure counts against. Not a public client: it has no secret to guess, and
    /// everybody's sign-in shares it, so locking it would lock everybody out (its source still counts).
    /// </summary>
    private static Subject? PartyOf(string clientId, IdentitySettings settings) =>
        settings.FindClient(clientId) is { Public: true } ? null : Subject.Client(clientId);

    /// <summary>First of all token request checks, so that a locked client's secret is not even compared.</summary>
    internal sealed class RefuseLocked(SignInGuard guard, IdentitySettings settings) : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
                .UseSingletonHandler<RefuseLocked>()
                .SetOrder(int.MinValue + 50_000)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (string.IsNullOrEmpty(context.Request.ClientId))
            {
                return;
            }
            var http = context.Transaction.GetHttpRequest()?.HttpContext;
            var (party, source) = (PartyOf(context.Request.ClientId, settings), SourceOf(context.Transaction));
            if (http is not null)
            {
                // Held until the response is written (CountOutcome has counted it by then), whatever happens between.
                http.Response.RegisterForDisposeAsync(await guard.BeginAttemptAsync(party, source, http.RequestAborted));
            }
            if (await guard.FindLockAsync(party, source, http?.RequestAborted ?? default) is { } lockout)
            {
                context.Transaction.SetProperty(LockoutProperty, lockout);
                context.Reject(Errors.InvalidClient, lockout.Message(guard.Now));
            }
        }
    }

    /// <summary>After OpenIddict set the status: a lock-out becomes 429 with Retry-After; a wrong secret is counted, a right one clears the client's count.</summary>
    internal sealed class CountOutcome(SignInGuard guard, IdentitySettings settings) : IOpenIddictServerHandler<ApplyTokenResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
                .UseSingletonHandler<CountOutcome>()
                .SetOrder(OpenIddictServerAspNetCoreHandlers.AttachHttpResponseCode<ApplyTokenResponseContext>.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ApplyTokenResponseContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            var clientId = context.Request?.ClientId;
            var http = context.Transaction.GetHttpRequest()?.HttpContext;
            if (string.IsNullOrEmpty(clientId) || http is null)
            {
                return;
            }
            if (context.Transaction.GetProperty<Lockout>(LockoutProperty) is { } lockout)
            {
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = lockout.RetryAfterSeconds(guard.Now).ToString(CultureInfo.InvariantCulture);
                return;
            }
            if (context.Response.Error == Errors.InvalidClient)
            {
                await guard.FailedAsync(PartyOf(clientId, settings), SourceOf(context.Transaction), http.RequestAborted);
            }
            else if (context.Response.Error is null && !string.IsNullOrEmpty(context.Request!.ClientSecret))
            {
                await guard.SucceededAsync(Subject.Client(clientId), http.RequestAborted);
            }
        }
    }
}
