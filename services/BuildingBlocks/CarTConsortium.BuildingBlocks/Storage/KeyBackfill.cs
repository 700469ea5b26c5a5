namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// Gives stored documents the declared keys they lack, computed from their body, without changing their version.
/// Driven by which documents lack the current key-set mark (<see cref="KeySetMark.Key"/>, an indexed
/// query), so a document whose key computes to null is rewritten once and then left alone; not by a record that a key was once back-filled:
/// during a rolling deploy, replicas of the previous release keep writing documents without a key the new
/// release declared, so the host runs it at every start and a leased job runs it again periodically.
/// </summary>
public interface IKeyBackfill
{
    /// <summary>Creates the collections' key indexes if missing and back-fills what lacks a key.</summary>
    /// <returns>How many documents got their keys recomputed (every document read without the current mark, unless a concurrent write replaced it).</returns>
    Task<int> PrepareCollectionsAsync(IEnumerable<IDocumentCollection> collections, CancellationToken ct);
}
