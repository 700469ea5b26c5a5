using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Domain.PurchaseOrders;
using CarTConsortium.Procurement.Storage;

namespace CarTConsortium.Procurement.UseCases.PurchaseOrders;

/// <param name="PurchaseOrderId">The pool id, a dot and the country code (<see cref="PurchaseOrder.IdOf"/>).</param>
public sealed record GetPurchaseOrderCommand(string? PurchaseOrderId);

/// <summary>One purchase order, if the caller may read that country's orders (<see cref="PurchaseOrderAccess"/>).</summary>
public sealed class GetPurchaseOrder(IDocumentStore store)
{
    public async Task<Stored<PurchaseOrder>> ExecuteAsync(GetPurchaseOrderCommand command, Caller caller, CancellationToken ct)
    {
        var parts = command.PurchaseOrderId?.Split('.');
        new Validator()
            .Check(parts is [var pool, var country] && Pool.IsPoolId(pool) && new Validator().CountryCode(country, "").IsValid, "purchase_order_id",
                "must be a purchase order id: the pool id, a dot and the country code")
            .ThrowIfInvalid();
        // The id names the order's country: another country's is refused before the lookup, so that
        // whether it exists (whether that country got units or dropped out) tells the caller nothing.
        PurchaseOrderAccess.DemandRead(caller, parts![1]);
        return await store.FindAsync(ProcurementCollections.PurchaseOrders, command.PurchaseOrderId!, ct)
            ?? throw new NotFoundException($"No purchase order '{command.PurchaseOrderId}' exists.");
    }
}
