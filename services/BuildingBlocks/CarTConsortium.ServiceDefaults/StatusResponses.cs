using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace CarTConsortium.ServiceDefaults;

/// <summary>
/// Answers a request that the platform turns away before any handler runs, in the caller's
/// protocol: a gRPC caller gets a trailers-only response (HTTP 200 with grpc-status and
/// grpc-message, what gRPC clients read), a REST caller the HTTP status and a google.rpc.Status
/// JSON body, the shape every other REST error has.
/// </summary>
public static class StatusResponses
{
    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    /// <param name="grpcCode">The google.rpc.Code, e.g. 16 for UNAUTHENTICATED.</param>
    /// <param name="httpStatus">The HTTP status a REST caller gets.</param>
    /// <param name="retryAfter">Sent as the Retry-After header when given.</param>
    public static async Task WriteAsync(HttpContext context, int grpcCode, int httpStatus, string message, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        if (IsGrpc(context.Request))
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = grpcCode.ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return;
        }
        response.StatusCode = httpStatus;
        await response.WriteAsJsonAsync(new { code = grpcCode, message, details = Array.Empty<object>() }, context.RequestAborted);
    }
}
