using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <param name="Status">Only pools in this status; null for all. A value the service does not know is INVALID_ARGUMENT.</param>
/// <param name="ItemId">Only pools of this item; empty for all.</param>
public sealed record ListPoolsCommand(int PageSize, string? PageToken, PoolStatus? Status, string? ItemId);

/// <param name="NextPageToken">Empty on the last page.</param>
public sealed record PoolPage(IReadOnlyList<SeenPool> Pools, string NextPageToken);

/// <summary>A page of pools, oldest first, each as the caller may see it.</summary>
public sealed class ListPools(IDocumentStore store, TimeProvider clock, PoolViewers viewers)
{
    public async Task<PoolPage> ExecuteAsync(ListPoolsCommand command, Caller caller, CancellationToken ct)
    {
        // A filter this service does not know is refused before anything else is checked.
        new Validator().Check(command.Status is not { } status || Enum.IsDefined(status), "status", "is not a pool status").ThrowIfInvalid();
        var validator = new Validator();
        if (!string.IsNullOrEmpty(command.ItemId))
        {
            validator.Slug(command.ItemId, "item_id");
        }
        var query = Paging.Query(command.PageSize, command.PageToken, validator)
            .WhereKey(PoolKeys.Status, PoolKeys.StatusOf(command.Status))
            .WhereKey(PoolKeys.ItemId, command.ItemId);
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(ProcurementCollections.Pools, query, ct);
        var now = clock.GetUtcNow();
        var viewer = viewers.Of(caller);
        return new PoolPage([.. page.Items.Select(p => SeenPool.Of(p, viewer, now))], Paging.NextToken(page));
    }
}
