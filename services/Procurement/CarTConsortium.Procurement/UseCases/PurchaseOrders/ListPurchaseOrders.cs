using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Domain.PurchaseOrders;
using CarTConsortium.Procurement.Storage;
using CarTConsortium.Procurement.UseCases.Pools;

namespace CarTConsortium.Procurement.UseCases.PurchaseOrders;

/// <param name="PoolId">Only this pool's orders; empty for all.</param>
/// <param name="CountryCode">Only this country's orders; empty for all the caller may read.</param>
public sealed record ListPurchaseOrdersCommand(int PageSize, string? PageToken, string? PoolId, string? CountryCode);

/// <param name="NextPageToken">Empty on the last page.</param>
public sealed record PurchaseOrderPage(IReadOnlyList<Stored<PurchaseOrder>> Orders, string NextPageToken);

/// <summary>Purchase orders, oldest pool first: an officer's own country's (naming another is refused), any country's for an admin.</summary>
public sealed class ListPurchaseOrders(IDocumentStore store)
{
    public async Task<PurchaseOrderPage> ExecuteAsync(ListPurchaseOrdersCommand command, Caller caller, CancellationToken ct)
    {
        var validator = new Validator();
        if (!string.IsNullOrEmpty(command.PoolId))
        {
            validator.Check(Pool.IsPoolId(command.PoolId), "pool_id", PoolReads.PoolIdRule);
        }
        if (!string.IsNullOrEmpty(command.CountryCode))
        {
            validator.CountryCode(command.CountryCode, "country_code");
        }
        var query = Paging.Query(command.PageSize, command.PageToken, validator);
        validator.ThrowIfInvalid();
        var countryCode = PurchaseOrderAccess.CountryListed(caller, command.CountryCode);
        var page = await store.QueryAsync(ProcurementCollections.PurchaseOrders,
            query.WhereKey(PurchaseOrderKeys.PoolId, command.PoolId).WhereKey(PurchaseOrderKeys.CountryCode, countryCode), ct);
        return new PurchaseOrderPage(page.Items, Paging.NextToken(page));
    }
}
