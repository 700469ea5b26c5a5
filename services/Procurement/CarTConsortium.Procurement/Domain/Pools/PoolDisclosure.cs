namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>A range of units: at least <paramref name="AtLeast"/>, and at most <paramref name="AtMost"/> (null: no upper bound).</summary>
public sealed record VolumeRange(int AtLeast, int? AtMost);

/// <summary>
/// What an officer may learn of a pool's total while fewer than the disclosure number of
/// countries have committed. An exact total, less the officer's own quantity, is the other
/// countries' total, and with one other country that is its confidential quantity. Any figure
/// that moves with the officer's own quantity (the tier the pool reaches, the units to the
/// minimum) can be probed: amending one unit at a time shows where it changes, and the
/// boundary less the officer's own quantity is again the other's exact quantity. So the range
/// shown is the price tier the other countries' commitments reach together, shifted by the
/// officer's own quantity: it says no more about the others than which tier band their total
/// lies in (what the pool's price says at closing anyway), and amending one's own quantity only
/// shifts it, so probing learns nothing new.
/// </summary>
public static class PoolDisclosure
{
    public const int DefaultMinCountries = 3;

    /// <summary>The most the setting may ask for: the count of ISO 3166-1 alpha-2 codes a pool could hold.</summary>
    public const int MaxMinCountries = 676;

    /// <summary>The range the pooled total lies in, as an officer of <paramref name="viewerCountry"/> may see it.</summary>
    public static VolumeRange RangeFor(PriceTiers tiers, IReadOnlyList<PoolCommitment> commitments, string? viewerCountry)
    {
        ArgumentNullException.ThrowIfNull(tiers);
        ArgumentNullException.ThrowIfNull(commitments);
        var own = commitments.Where(c => c.CountryCode == viewerCountry).Sum(c => c.Quantity);
        var others = commitments.Sum(c => c.Quantity) - own;
        if (others == 0)
        {
            return new VolumeRange(own, own);
        }
        var next = tiers.NextAbove(others);
        return new VolumeRange(own + tiers.TierAt(others).MinQuantity, next is null ? null : own + next.MinQuantity - 1);
    }
}
