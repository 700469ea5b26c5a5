using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Procurement.UseCases.Items;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Procurement.UseCases.PurchaseOrders;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;
using static CarTConsortium.Procurement.Api.ProcurementMapping;
using CatalogueItem = CarTConsortium.Contracts.Procurement.V1.CatalogueItem;
using Pool = CarTConsortium.Contracts.Procurement.V1.Pool;
using PurchaseOrder = CarTConsortium.Contracts.Procurement.V1.PurchaseOrder;

namespace CarTConsortium.Procurement.Api;

/// <summary>
/// Procurement's gRPC (and, through transcoding, REST/JSON) face: each RPC maps its request to
/// a command, runs one use case with the caller, and maps the result back.
/// </summary>
public sealed class ProcurementGrpcService(
    RegisterItem registerItem,
    UpdateItem updateItem,
    GetItem getItem,
    ListItems listItems,
    OpenPool openPool,
    GetPool getPool,
    ListPools listPools,
    ClosePool closePool,
    CommitToPool commitToPool,
    WithdrawCommitment withdrawCommitment,
    GetSavings getSavings,
    GetPurchaseOrder getPurchaseOrder,
    ListPurchaseOrders listPurchaseOrders) : ProcurementService.ProcurementServiceBase
{
    public override async Task<CatalogueItem> RegisterItem(RegisterItemRequest request, ServerCallContext context) =>
        ToContract(await registerItem.ExecuteAsync(new RegisterItemCommand(request.ItemId, request.Name, FromContract(request.Category), request.Unit,
            request.PackSize, request.PackContents, FromContract(request.Suppliers)), context.CancellationToken));

    public override async Task<CatalogueItem> UpdateItem(UpdateItemRequest request, ServerCallContext context) =>
        ToContract(await updateItem.ExecuteAsync(new UpdateItemCommand(request.ItemId, request.ExpectedRevision, request.Name, request.PackContents,
            FromContract(request.Suppliers)), context.CancellationToken));

    public override async Task<CatalogueItem> GetItem(GetItemRequest request, ServerCallContext context) =>
        ToContract(await getItem.ExecuteAsync(new GetItemCommand(request.ItemId), context.CancellationToken));

    public override async Task<ListItemsResponse> ListItems(ListItemsRequest request, ServerCallContext context)
    {
        var page = await listItems.ExecuteAsync(new ListItemsCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken, FromContract(request.Category)),
            context.CancellationToken);
        return new ListItemsResponse { Items = { page.Items.Select(ToContract) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Pool> OpenPool(OpenPoolRequest request, ServerCallContext context) =>
        ToContract(await openPool.ExecuteAsync(new OpenPoolCommand(request.Title, request.ItemId, request.SupplierId, request.Currency,
            [.. request.PriceTiers.Select(FromContract)], FromContract(request.OpensAt, "opens_at"), FromContract(request.ClosesAt, "closes_at"),
            request.MinimumVolume, request.SupplyCap == 0 ? null : request.SupplyCap, request.RequestId), context.Caller(), context.CancellationToken));

    public override async Task<Pool> GetPool(GetPoolRequest request, ServerCallContext context) =>
        ToContract(await getPool.ExecuteAsync(new GetPoolCommand(request.PoolId), context.Caller(), context.CancellationToken));

    public override async Task<ListPoolsResponse> ListPools(ListPoolsRequest request, ServerCallContext context)
    {
        var page = await listPools.ExecuteAsync(new ListPoolsCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken, FromContract(request.Status),
            request.ItemId), context.Caller(), context.CancellationToken);
        return new ListPoolsResponse { Pools = { page.Pools.Select(ToContract) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Pool> ClosePool(ClosePoolRequest request, ServerCallContext context) =>
        ToContract(await closePool.ExecuteAsync(new ClosePoolCommand(request.PoolId, request.Reason), context.Caller(), context.CancellationToken));

    public override async Task<Pool> Commit(CommitRequest request, ServerCallContext context) =>
        ToContract(await commitToPool.ExecuteAsync(new CommitToPoolCommand(request.PoolId, request.CountryCode, request.Quantity,
            FromContract(request.MaxUnitPrice, "max_unit_price"), request.DeliveryInstitutionId, request.BudgetReference, request.ExpectedRevision),
            context.Caller(), context.CancellationToken));

    public override async Task<Pool> WithdrawCommitment(WithdrawCommitmentRequest request, ServerCallContext context) =>
        ToContract(await withdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(request.PoolId, request.CountryCode, request.ExpectedRevision),
            context.Caller(), context.CancellationToken));

    public override async Task<PoolSavings> GetSavings(GetSavingsRequest request, ServerCallContext context) =>
        ToContract(await getSavings.ExecuteAsync(new GetSavingsCommand(request.PoolId), context.Caller(), context.CancellationToken));

    public override async Task<PurchaseOrder> GetPurchaseOrder(GetPurchaseOrderRequest request, ServerCallContext context) =>
        ToContract(await getPurchaseOrder.ExecuteAsync(new GetPurchaseOrderCommand(request.PurchaseOrderId), context.Caller(), context.CancellationToken));

    public override async Task<ListPurchaseOrdersResponse> ListPurchaseOrders(ListPurchaseOrdersRequest request, ServerCallContext context)
    {
        var page = await listPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.PoolId,
            request.CountryCode), context.Caller(), context.CancellationToken);
        return new ListPurchaseOrdersResponse { PurchaseOrders = { page.Orders.Select(ToContract) }, NextPageToken = page.NextPageToken };
    }
}
