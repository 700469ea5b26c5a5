using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Procurement.Catalogue;
using CarTConsortium.Procurement.Pools;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;
using static CarTConsortium.Procurement.ProcurementMapping;
using CatalogueItem = CarTConsortium.Contracts.Procurement.V1.CatalogueItem;
using Pool = CarTConsortium.Contracts.Procurement.V1.Pool;
using PurchaseOrder = CarTConsortium.Contracts.Procurement.V1.PurchaseOrder;

namespace CarTConsortium.Procurement;

/// <summary>Procurement's gRPC (and, through transcoding, REST/JSON) face: translation only.</summary>
public sealed class ProcurementGrpcService(ItemCatalogue catalogue, PoolDesk desk, TimeProvider clock) : ProcurementService.ProcurementServiceBase
{
    public override async Task<CatalogueItem> RegisterItem(RegisterItemRequest request, ServerCallContext context) =>
        ToContract(await catalogue.RegisterAsync(request.ItemId, request.Name, FromContract(request.Category), request.Unit, request.PackSize,
            request.PackContents, FromContract(request.Suppliers), context.CancellationToken));

    public override async Task<CatalogueItem> UpdateItem(UpdateItemRequest request, ServerCallContext context) =>
        ToContract(await catalogue.UpdateAsync(request.ItemId, request.ExpectedRevision, request.Name, request.PackContents,
            FromContract(request.Suppliers), context.CancellationToken));

    public override async Task<CatalogueItem> GetItem(GetItemRequest request, ServerCallContext context) =>
        ToContract(await catalogue.GetAsync(request.ItemId, context.CancellationToken));

    public override async Task<ListItemsResponse> ListItems(ListItemsRequest request, ServerCallContext context)
    {
        var (items, next) = await catalogue.ListAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken, CategoryFilter(request.Category),
            context.CancellationToken);
        return new ListItemsResponse { Items = { items.Select(ToContract) }, NextPageToken = next };
    }

    public override async Task<Pool> OpenPool(OpenPoolRequest request, ServerCallContext context)
    {
        var opened = await desk.OpenAsync(context.Caller(), request.Title, request.ItemId, request.SupplierId, request.Currency,
            [.. request.PriceTiers.Select(FromContract)], FromContract(request.OpensAt, "opens_at"), FromContract(request.ClosesAt, "closes_at"),
            request.MinimumVolume, request.SupplyCap == 0 ? null : request.SupplyCap, context.CancellationToken);
        return Seen(opened, context);
    }

    public override async Task<Pool> GetPool(GetPoolRequest request, ServerCallContext context) =>
        Seen(await desk.GetAsync(request.PoolId, context.CancellationToken), context);

    public override async Task<ListPoolsResponse> ListPools(ListPoolsRequest request, ServerCallContext context)
    {
        var (pools, next) = await desk.ListAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken, StatusFilter(request.Status), request.ItemId,
            context.CancellationToken);
        return new ListPoolsResponse { Pools = { pools.Select(p => Seen(p, context)) }, NextPageToken = next };
    }

    public override async Task<Pool> ClosePool(ClosePoolRequest request, ServerCallContext context) =>
        Seen(await desk.CloseEarlyAsync(context.Caller(), request.PoolId, request.Reason, context.CancellationToken), context);

    public override async Task<Pool> Commit(CommitRequest request, ServerCallContext context) =>
        Seen(await desk.CommitAsync(context.Caller(), request.PoolId, request.CountryCode, request.Quantity, FromContract(request.MaxUnitPrice, "max_unit_price"),
            request.DeliveryInstitutionId, request.BudgetReference, request.ExpectedRevision, context.CancellationToken), context);

    public override async Task<Pool> WithdrawCommitment(WithdrawCommitmentRequest request, ServerCallContext context) =>
        Seen(await desk.WithdrawAsync(context.Caller(), request.PoolId, request.CountryCode, request.ExpectedRevision, context.CancellationToken), context);

    public override async Task<PoolSavings> GetSavings(GetSavingsRequest request, ServerCallContext context)
    {
        var pool = await desk.GetAsync(request.PoolId, context.CancellationToken);
        return ToContract(pool.Id, pool.Value.Savings(), PoolViewer.Of(context.Caller()));
    }

    public override async Task<PurchaseOrder> GetPurchaseOrder(GetPurchaseOrderRequest request, ServerCallContext context) =>
        ToContract(await desk.GetOrderAsync(context.Caller(), request.PurchaseOrderId, context.CancellationToken));

    public override async Task<ListPurchaseOrdersResponse> ListPurchaseOrders(ListPurchaseOrdersRequest request, ServerCallContext context)
    {
        var (orders, next) = await desk.ListOrdersAsync(context.Caller(), request.Page?.PageSize ?? 0, request.Page?.PageToken, request.PoolId,
            request.CountryCode, context.CancellationToken);
        return new ListPurchaseOrdersResponse { PurchaseOrders = { orders.Select(ToContract) }, NextPageToken = next };
    }

    /// <summary>The pool as this caller may see it: their own country's figures, or everyone's for an admin.</summary>
    private Pool Seen(BuildingBlocks.Storage.Stored<Pools.Pool> pool, ServerCallContext context) =>
        ToContract(pool, PoolViewer.Of(context.Caller()), clock.GetUtcNow());
}
