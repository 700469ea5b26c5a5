namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>The next tier a pool can still reach, and how far off it is.</summary>
/// <param name="UnitsMore">How many more units reach it, at least 1.</param>
public sealed record NextTier(PriceTier Tier, int UnitsMore)
{
    /// <summary>"7 more units reach 1,350.00 USD".</summary>
    public override string ToString() => $"{UnitsMore} more {(UnitsMore == 1 ? "unit reaches" : "units reach")} {Tier.UnitPrice}";
}

/// <summary>What every officer sees of an open pool.</summary>
/// <param name="CommittedVolume">The pooled total of every commitment now.</param>
/// <param name="Volume">The volume the price is taken at: the committed total, up to the supply cap.</param>
/// <param name="Tier">The tier <paramref name="Volume"/> reaches; null while nothing is committed.</param>
/// <param name="Next">The next tier, while one lies above the volume and within the supply cap; else null.</param>
/// <param name="UnitsToMinimum">How many more units the pool needs to go ahead; 0 once the minimum is reached.</param>
public sealed record LiveView(int CommittedVolume, int Volume, PriceTier? Tier, NextTier? Next, int UnitsToMinimum)
{
    public Money? UnitPrice => Tier?.UnitPrice;

    public bool MinimumReached => UnitsToMinimum == 0;
}

/// <summary>The live state of an open pool.</summary>
public static class LivePool
{
    /// <summary>
    /// The pooled total and the tier price it reaches now, if every commitment stayed as it is:
    /// drop-outs happen at closing only (<see cref="PoolSettlement.Settle(PoolTerms, IReadOnlyList{Commitment})"/>), so the price at
    /// closing can be higher than this one. A next tier beyond the supply cap is not shown, as
    /// the supplier will never deliver that volume.
    /// </summary>
    /// <exception cref="ArgumentException">Two commitments of one country, or a commitment in another currency than the pool's.</exception>
    public static LiveView View(PoolTerms terms, IReadOnlyList<Commitment> commitments)
    {
        var committed = PoolSettlement.PooledTotal(terms, commitments);
        var volume = terms.DeliverableVolume(committed);
        var next = terms.Tiers.NextAbove(volume) is { } tier && (terms.SupplyCap is null || tier.MinQuantity <= terms.SupplyCap)
            ? new NextTier(tier, tier.MinQuantity - volume)
            : null;
        return new LiveView(committed, volume, volume >= 1 ? terms.Tiers.TierAt(volume) : null, next,
            Math.Max(0, terms.MinimumVolume - committed));
    }
}
