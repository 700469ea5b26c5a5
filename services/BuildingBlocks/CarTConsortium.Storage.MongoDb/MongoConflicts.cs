using CarTConsortium.BuildingBlocks.Errors;
using MongoDB.Driver;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// A transaction that still conflicts after the driver's own retries is a lost race, not a
/// fault: the caller gets ABORTED and may retry, never INTERNAL.
/// </summary>
public static class MongoConflicts
{
    /// <summary>WriteConflict: another transaction changed a document this one wrote.</summary>
    public const int WriteConflictCode = 112;

    public const string TransientTransactionError = "TransientTransactionError";
    public const string UnknownTransactionCommitResult = "UnknownTransactionCommitResult";

    /// <summary>Whether the driver gave up on a transaction because it kept losing races (or never learnt whether it committed).</summary>
    public static bool IsConflict(MongoException exception) =>
        exception.HasErrorLabel(TransientTransactionError)
        || exception.HasErrorLabel(UnknownTransactionCommitResult)
        || exception switch
        {
            MongoCommandException command => command.Code == WriteConflictCode,
            MongoWriteException write => write.WriteError?.Code == WriteConflictCode,
            MongoBulkWriteException bulk => bulk.WriteErrors.Any(error => error.Code == WriteConflictCode),
            _ => false,
        };

    /// <summary>The exception a caller sees instead of <paramref name="exception"/>, which it keeps as the cause.</summary>
    public static ConcurrencyConflictException ToConflict(MongoException exception, string database) =>
        new TransactionConflictException(
            exception.HasErrorLabel(UnknownTransactionCommitResult)
                ? $"The {database} database could not confirm whether the change was saved; read it again and retry."
                : $"The change conflicted with concurrent changes in the {database} database; read it again and retry.",
            exception);
}

/// <summary>A transaction that kept conflicting: ABORTED to the caller.</summary>
public sealed class TransactionConflictException(string message, Exception inner) : ConcurrencyConflictException(message, inner);
