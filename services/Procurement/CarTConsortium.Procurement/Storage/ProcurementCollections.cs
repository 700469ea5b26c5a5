using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Domain.PurchaseOrders;
using CarTConsortium.Procurement.ReadModels;

namespace CarTConsortium.Procurement.Storage;

/// <summary>
/// Everything procurement's store needs to know: its collections, what each is keyed by, and
/// the index keys the lists filter on. The documents are the domain's records, stored by id.
/// </summary>
public static class ProcurementCollections
{
    /// <summary>Catalogue items by item id, indexed by category.</summary>
    public static readonly Collection<CatalogueItem> CatalogueItems = new("catalogue_items", (ItemKeys.Category, i => ItemKeys.CategoryOf(i.Category)));

    /// <summary>Pools by pool id, indexed by status and item.</summary>
    public static readonly Collection<Pool> Pools = new("pools", (PoolKeys.Status, p => PoolKeys.StatusOf(p.Status)), (PoolKeys.ItemId, p => p.ItemId),
        (PoolKeys.ClosingDay, PoolKeys.ClosingDayOf));

    /// <summary>How far the closing job got (one document, <see cref="ClosingSweep.Id"/>): later rounds read only the closing days since.</summary>
    public static readonly Collection<ClosingSweep> ClosingSweeps = new("closing_sweeps");

    /// <summary>Purchase orders by <see cref="PurchaseOrder.IdOf"/>, indexed by pool and country.</summary>
    public static readonly Collection<PurchaseOrder> PurchaseOrders =
        new("purchase_orders", (PurchaseOrderKeys.PoolId, o => o.PoolId), (PurchaseOrderKeys.CountryCode, o => o.CountryCode));

    /// <summary>The registry's institutions by institution id.</summary>
    public static readonly Collection<KnownInstitution> KnownInstitutions = new("known_institutions");

    /// <summary>
    /// How a stale-revision error names a commitment: it lives inside its pool's document, so
    /// as "commitments" with the id "pool id/country code".
    /// </summary>
    public const string Commitments = "commitments";

    public static string CommitmentId(string poolId, string countryCode) => $"{poolId}/{countryCode}";
}

/// <summary>The index keys of <see cref="ProcurementCollections.CatalogueItems"/>.</summary>
public static class ItemKeys
{
    public const string Category = "category";

    /// <summary>A category as the index holds it (by name, as the documents store enums).</summary>
    public static string? CategoryOf(ItemCategory? category) => category?.ToString();
}

/// <summary>The index keys of <see cref="ProcurementCollections.Pools"/>.</summary>
public static class PoolKeys
{
    public const string Status = "status";
    public const string ItemId = "item_id";

    /// <summary>A status as the index holds it (by name, as the documents store enums).</summary>
    public static string? StatusOf(PoolStatus? status) => status?.ToString();

    /// <summary>The UTC day (<c>yyyy-MM-dd</c>) an open pool closes on; none once closed.</summary>
    public const string ClosingDay = "closing_day";

    public static string? ClosingDayOf(Pool pool) => pool.Status == PoolStatus.Open ? Day(ClosingSweep.DayOf(pool.ClosesAt)) : null;

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The index keys of <see cref="ProcurementCollections.PurchaseOrders"/>.</summary>
public static class PurchaseOrderKeys
{
    public const string PoolId = "pool_id";
    public const string CountryCode = "country_code";
}
