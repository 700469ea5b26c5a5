using CarTConsortium.Portal.Session;
using Grpc.Core;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.Portal.Errors;

/// <summary>A call's result for a page: its value, or the error to show beside what still works.</summary>
public readonly record struct CallResult<T>(T? Value, PortalError? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Runs one call to the gateway for a page. A failure becomes a <see cref="PortalError"/>
/// for the page to show; an ended session (UNAUTHENTICATED) keeps what the person typed in
/// this page's forms (<see cref="FormDrafts"/>), goes back to sign-in and returns here afterwards.
/// </summary>
public sealed partial class CallGuard(NavigationManager navigation, FormDrafts drafts, ILogger<CallGuard> logger)
{
    public async Task<CallResult<T>> RunAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return new CallResult<T>(await call(), null);
        }
        catch (RpcException e)
        {
            var error = PortalError.From(e);
            if (error.Kind == PortalErrorKind.SessionEnded)
            {
                await drafts.SaveAllAsync();
                var here = "/" + navigation.ToBaseRelativePath(navigation.Uri);
                navigation.NavigateTo($"{PortalSignIn.SignInPath}?{PortalSignIn.ReturnUrlParameter}={Uri.EscapeDataString(here)}", forceLoad: true);
            }
            else if (error.Kind == PortalErrorKind.Unexpected)
            {
                LogUnexpected(logger, e.StatusCode, e);
            }
            return new CallResult<T>(default, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A call to the gateway failed unexpectedly with {Status}")]
    private static partial void LogUnexpected(ILogger logger, StatusCode status, Exception exception);
}
