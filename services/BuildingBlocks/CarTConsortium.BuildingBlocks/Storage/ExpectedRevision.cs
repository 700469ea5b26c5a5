using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// The one revision guard. Writes that name the revision they were based on
/// (consortium.common.v1.Revision) must give one, and a stale one is ABORTED before anything
/// is checked or written. It is never retried, also inside <see cref="ConflictRetry"/>:
/// running the use case again cannot make the caller's view current.
/// </summary>
public static class ExpectedRevision
{
    public static Validator CheckExpectedRevision(this Validator validator, long expectedRevision) =>
        validator.Check(expectedRevision >= 1, "expected_revision", "is required: the revision.version this change was based on");

    /// <exception cref="CallerRevisionStaleException"><paramref name="current"/> is no longer at <paramref name="expectedRevision"/>.</exception>
    public static void Require<T>(Collection<T> collection, Stored<T> current, long expectedRevision) where T : class =>
        Require(collection.Name, current.Id, current.Version, expectedRevision);

    /// <summary>For a revision kept inside a document (e.g. one country's commitment in a pool).</summary>
    /// <exception cref="CallerRevisionStaleException"><paramref name="currentRevision"/> is not <paramref name="expectedRevision"/>.</exception>
    public static void Require(string what, string id, long currentRevision, long expectedRevision)
    {
        if (currentRevision != expectedRevision)
        {
            throw new CallerRevisionStaleException(what, id);
        }
    }
}

/// <summary>The caller's expected_revision is stale: ABORTED, and not retried.</summary>
public sealed class CallerRevisionStaleException(string collection, string id)
    : ConcurrencyConflictException($"The {collection} entry '{id}' was changed by someone else; read it again and retry.");
