namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// Deletes idempotency-key records (<see cref="IdempotencyKey.Records"/>) made before a time, by their indexed
/// <see cref="IdempotencyKey.CreatedAtKey"/>: a key is honoured for <see cref="IdempotencyKey.Retention"/> only,
/// so without pruning the records would only grow. A retry with a pruned key is a new request.
/// </summary>
public interface IIdempotencyKeyRetention
{
    /// <summary>Deletes the records made before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneIdempotencyKeysAsync(DateTimeOffset before, CancellationToken ct = default);
}
