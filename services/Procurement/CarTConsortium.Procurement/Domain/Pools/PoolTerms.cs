using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// What a consortium admin opens a pool with, checked: the item and its supplier, the
/// supplier's price tiers in the pool's currency, when commitments open and close, the
/// minimum total volume for the pool to go ahead and, optionally, the most the supplier
/// will deliver. Only <see cref="Check"/> makes one, so every instance keeps the rules.
/// </summary>
public sealed class PoolTerms
{
    private PoolTerms(string itemId, string supplierId, PriceTiers tiers, DateTimeOffset opensAt, DateTimeOffset closesAt,
        int minimumVolume, int? supplyCap)
    {
        ItemId = itemId;
        SupplierId = supplierId;
        Tiers = tiers;
        OpensAt = opensAt;
        ClosesAt = closesAt;
        MinimumVolume = minimumVolume;
        SupplyCap = supplyCap;
    }

    /// <summary>The catalogue id of the item pooled, a slug.</summary>
    public string ItemId { get; }

    /// <summary>The supplier whose tiers these are, a slug.</summary>
    public string SupplierId { get; }

    public PriceTiers Tiers { get; }

    /// <summary>The ISO 4217 code of every price of the pool.</summary>
    public string Currency => Tiers.Currency;

    public DateTimeOffset OpensAt { get; }

    /// <summary>Strictly after <see cref="OpensAt"/>.</summary>
    public DateTimeOffset ClosesAt { get; }

    /// <summary>At least 1: below this total the pool fails and every commitment is released.</summary>
    public int MinimumVolume { get; }

    /// <summary>The most units the supplier delivers, never below the minimum volume; null when the supplier sets no cap.</summary>
    public int? SupplyCap { get; }

    /// <summary>The terms when every rule holds; otherwise every broken rule at once.</summary>
    /// <exception cref="InvalidArgumentException">Violations on <c>item_id</c>, <c>supplier_id</c>, <c>currency</c>,
    /// <c>price_tiers...</c>, <c>opens_at</c>, <c>closes_at</c>, <c>minimum_volume</c>, <c>supply_cap</c>.</exception>
    /// <param name="alongside">Violations the caller found in the rest of its request, reported with these; null for none.</param>
    public static PoolTerms Check(string? itemId, string? supplierId, string? currency, IReadOnlyList<PriceTier>? tiers,
        DateTimeOffset? opensAt, DateTimeOffset? closesAt, int minimumVolume, int? supplyCap, Validator? alongside = null)
    {
        var validator = (alongside ?? new Validator())
            .Slug(itemId, "item_id")
            .Slug(supplierId, "supplier_id")
            .Check(Currencies.IsKnown(currency), "currency", Currencies.UnknownCodeDescription);
        PriceTiers.AddViolations(currency ?? "", tiers, validator);
        validator
            .Check(opensAt is not null, "opens_at", "is required")
            .Check(closesAt is not null, "closes_at", "is required")
            .Check(opensAt is null || closesAt is null || closesAt > opensAt, "closes_at", "must be after opens_at")
            .Check(minimumVolume >= 1, "minimum_volume", "must be at least 1")
            .Check(supplyCap is null || supplyCap >= 1, "supply_cap", "must be at least 1 when set")
            .Check(supplyCap is null || supplyCap < 1 || minimumVolume < 1 || supplyCap >= minimumVolume, "supply_cap",
                $"must not be below minimum_volume ({minimumVolume}): the pool could never go ahead")
            .ThrowIfInvalid();
        return new PoolTerms(itemId!, supplierId!, PriceTiers.Accepted(currency!, tiers!), opensAt!.Value, closesAt!.Value,
            minimumVolume, supplyCap);
    }

    /// <summary>The volume the supplier delivers when <paramref name="committed"/> units are committed: all of them, up to the cap.</summary>
    public int DeliverableVolume(int committed) => SupplyCap is { } cap ? Math.Min(committed, cap) : committed;
}
