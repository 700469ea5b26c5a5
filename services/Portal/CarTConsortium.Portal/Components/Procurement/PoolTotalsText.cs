using CarTConsortium.Contracts.Procurement.V1;
using Microsoft.Extensions.Localization;

namespace CarTConsortium.Portal.Components.Procurement;

/// <summary>The pooled volume in words: exact when the service sends it, else the range it sends instead.</summary>
public static class PoolTotalsText
{
    /// <summary>"80 to 229", or "at least 80" when the range has no upper bound (at_most 0).</summary>
    public static string Range(IStringLocalizer<ProcurementResource> text, VolumeRange range)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(range);
        return range.AtMost > 0
            ? text["Pool_PooledRange", Prices.Count(range.AtLeast), Prices.Count(range.AtMost)].Value
            : text["Pool_PooledAtLeast", Prices.Count(range.AtLeast)].Value;
    }

    /// <summary>The pooled volume of <paramref name="pool"/> as a change note quotes it.</summary>
    public static string Pooled(IStringLocalizer<ProcurementResource> text, Pool? pool) =>
        pool?.Totals?.CommittedRange is { } range ? Range(text, range) : Prices.Count(pool?.Totals?.CommittedVolume ?? 0);
}
