using Google.Rpc;
using Grpc.Core;

namespace CarTConsortium.Portal.Errors;

/// <summary>What kind of trouble a call ran into, as a person needs to hear it.</summary>
public enum PortalErrorKind
{
    /// <summary>Bad input: see <see cref="PortalError.FieldViolations"/>.</summary>
    InvalidInput,
    /// <summary>Someone else changed it first; the page reloads it.</summary>
    Changed,
    NotAllowed,
    TooManyRequests,
    Unavailable,
    NotFound,
    /// <summary>A business rule said no; the service's own sentence says which.</summary>
    Refused,
    SessionEnded,
    Unexpected,
}

/// <summary>
/// One failed call to the gateway, mapped once for every page: field violations of a
/// <c>google.rpc.BadRequest</c> by field, a plain kind for the rest, and the service's
/// message where it is meant for people (rule violations, not found).
/// </summary>
public sealed record PortalError(PortalErrorKind Kind, string? Detail, IReadOnlyDictionary<string, IReadOnlyList<string>> FieldViolations)
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoFields = new Dictionary<string, IReadOnlyList<string>>();

    public static PortalError Of(PortalErrorKind kind, string? detail = null) => new(kind, detail, NoFields);

    public static PortalError From(RpcException exception)
    {
        var kind = exception.StatusCode switch
        {
            StatusCode.InvalidArgument => PortalErrorKind.InvalidInput,
            StatusCode.Aborted => PortalErrorKind.Changed,
            StatusCode.PermissionDenied => PortalErrorKind.NotAllowed,
            StatusCode.ResourceExhausted => PortalErrorKind.TooManyRequests,
            StatusCode.Unavailable or StatusCode.DeadlineExceeded => PortalErrorKind.Unavailable,
            StatusCode.NotFound => PortalErrorKind.NotFound,
            StatusCode.FailedPrecondition or StatusCode.AlreadyExists => PortalErrorKind.Refused,
            StatusCode.Unauthenticated => PortalErrorKind.SessionEnded,
            _ => PortalErrorKind.Unexpected,
        };
        var fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (exception.GetRpcStatus()?.GetDetail<BadRequest>() is { } badRequest)
        {
            foreach (var group in badRequest.FieldViolations.GroupBy(v => v.Field, StringComparer.Ordinal))
            {
                fields[group.Key] = [.. group.Select(v => v.Description)];
            }
        }
        // Only these carry a sentence written for the caller; the others' text may be technical.
        var detail = kind is PortalErrorKind.Refused or PortalErrorKind.NotFound or PortalErrorKind.InvalidInput ? exception.Status.Detail : null;
        return new PortalError(kind, detail, fields);
    }

    public IReadOnlyList<string> For(string field) => FieldViolations.TryGetValue(field, out var messages) ? messages : [];

    /// <summary>Violations of fields no input on the page shows, so that none goes unseen.</summary>
    public IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> Except(IEnumerable<string> shownFields) =>
        FieldViolations.Where(v => !shownFields.Contains(v.Key, StringComparer.Ordinal));
}
