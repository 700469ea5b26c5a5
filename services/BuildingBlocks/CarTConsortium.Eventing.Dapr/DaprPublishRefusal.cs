using System.Net;
using Grpc.Core;

namespace CarTConsortium.Eventing.Dapr;

/// <summary>
/// Which answers of the sidecar to a publish are refusals for good: sending the same event again cannot
/// succeed, so the relay parks it. Over HTTP: a 4xx other than 408 (timeout) and 429 (throttled). Over gRPC
/// (what the SDK uses): the codes daprd gives such refusals (InvalidArgument for a malformed event,
/// PermissionDenied for a topic the app may not publish to, OutOfRange) and ResourceExhausted when it says
/// the message is larger than the sidecar accepts; a throttle's ResourceExhausted stays transient. A refusal
/// that names the pub/sub component itself (not found) is a deployment fault every event would meet, so it
/// is retried in order until the component is fixed rather than parking everything.
/// </summary>
public static class DaprPublishRefusal
{
    public static bool IsPermanent(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);

    public static bool IsPermanent(StatusCode code, string detail, string pubSubName)
    {
        ArgumentNullException.ThrowIfNull(detail);
        if (detail.Contains(pubSubName, StringComparison.Ordinal) && detail.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return code is StatusCode.InvalidArgument or StatusCode.PermissionDenied or StatusCode.OutOfRange
            || (code == StatusCode.ResourceExhausted && detail.Contains("larger than max", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The refusal's reason when <paramref name="error"/> (or what it wraps) is a refusal for good; otherwise null.</summary>
    public static string? ReasonFor(Exception error, string pubSubName)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RpcException rpc when IsPermanent(rpc.StatusCode, rpc.Status.Detail ?? "", pubSubName):
                    return $"The sidecar refused the event: {rpc.StatusCode} {rpc.Status.Detail}";
                case RpcException:
                    return null;
                case HttpRequestException { StatusCode: { } status } when IsPermanent(status):
                    return $"The sidecar refused the event: {(int)status} {e.Message}";
                case HttpRequestException:
                    return null;
            }
        }
        return null;
    }
}
