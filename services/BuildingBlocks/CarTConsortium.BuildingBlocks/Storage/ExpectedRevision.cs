using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// Writes that name the revision they were based on (consortium.common.v1.Revision): the
/// request must give one, and a stale one is ABORTED before anything is checked or written.
/// </summary>
public static class ExpectedRevision
{
    public static Validator CheckExpectedRevision(this Validator validator, long expectedRevision) =>
        validator.Check(expectedRevision >= 1, "expected_revision", "is required: the revision.version this change was based on");

    /// <exception cref="StaleVersionException"><paramref name="current"/> is no longer at <paramref name="expectedRevision"/>.</exception>
    public static void Require<T>(Collection<T> collection, Stored<T> current, long expectedRevision) where T : class
    {
        if (current.Version != expectedRevision)
        {
            throw new StaleVersionException(collection.Name, current.Id);
        }
    }
}
