namespace CarTConsortium.BuildingBlocks.Errors;

// The error vocabulary of every service. Domain code throws these; the gRPC error
// interceptor in ServiceDefaults turns each into its status code (ARCHITECTURE.md,
// "Errors"). Messages are written for the caller: they must never hold internals.

/// <summary>One field of a request and what is wrong with it.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>Bad input: INVALID_ARGUMENT with google.rpc.BadRequest field violations.</summary>
public sealed class InvalidArgumentException(IReadOnlyList<FieldViolation> violations)
    : Exception("The request is invalid: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>The thing asked for does not exist: NOT_FOUND.</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>The thing to create exists already: ALREADY_EXISTS.</summary>
public class AlreadyExistsException(string message) : Exception(message);

/// <summary>A business rule forbids the change in the current state: FAILED_PRECONDITION.</summary>
public sealed class RuleViolationException(string message) : Exception(message);

/// <summary>Someone else changed the entity first (stale version): ABORTED.</summary>
public class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The caller may not do this: PERMISSION_DENIED.</summary>
public sealed class PermissionDeniedException(string message) : Exception(message);
