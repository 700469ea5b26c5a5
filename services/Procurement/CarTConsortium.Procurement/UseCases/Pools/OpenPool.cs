using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Events;
using CarTConsortium.Procurement.Jobs;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <param name="OpensAt">Null: now.</param>
/// <param name="SupplyCap">The most units the supplier delivers; null for no cap.</param>
/// <param name="RequestId">The client's idempotency key, when it sent one (<see cref="IdempotencyKey"/>).</param>
public sealed record OpenPoolCommand(
    string? Title,
    string? ItemId,
    string? SupplierId,
    string? Currency,
    IReadOnlyList<PriceTier>? Tiers,
    DateTimeOffset? OpensAt,
    DateTimeOffset? ClosesAt,
    int MinimumVolume,
    int? SupplyCap,
    string? RequestId = null);

/// <summary>
/// The consortium opens a pool of a catalogue item (<see cref="Pool.Open"/>) and tells the other
/// services (PoolOpened); the closing job learns its closing time at once.
/// </summary>
public sealed class OpenPool(IDocumentStore store, TimeProvider clock, PoolViewers viewers, PoolsOpened poolsOpened)
{
    public Task<SeenPool> ExecuteAsync(OpenPoolCommand command, Caller caller, CancellationToken ct)
    {
        var key = IdempotencyKey.Of(command.RequestId, caller, nameof(OpenPool), command);
        return store.OnceAsync(key, clock, async (poolId, replayCt) => SeenPool.Of(await store.FindPoolAsync(poolId, replayCt), viewers.Of(caller), clock.GetUtcNow()),
            createCt => OpenAsync(command, key, caller, createCt), ct);
    }

    private async Task<SeenPool> OpenAsync(OpenPoolCommand command, IdempotencyKey? key, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var item = new Validator().Slug(command.ItemId, "item_id").IsValid
            ? (await store.FindAsync(ProcurementCollections.CatalogueItems, command.ItemId!, ct))?.Value
            : null;
        // A version 7 id sorts by opening time, so lists (ordered by id) read oldest first.
        var pool = Pool.Open(Guid.CreateVersion7(now).ToString(), command.Title, command.ItemId, item, command.SupplierId, command.Currency, command.Tiers,
            command.OpensAt, command.ClosesAt, command.MinimumVolume, command.SupplyCap, caller.Subject, now);
        var stored = Stored.Inserted(pool.PoolId, pool);
        await store.CommitAsync(new ChangeSet()
            .Insert(ProcurementCollections.Pools, pool.PoolId, pool)
            .Raise(PoolEvents.Opened(stored, now), clock)
            .Remember(key, pool.PoolId, clock), ct);
        poolsOpened.Notify();
        return SeenPool.Of(stored, viewers.Of(caller), clock.GetUtcNow());
    }
}
