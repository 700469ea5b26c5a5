namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// A pool as one reader may see it (<see cref="PoolViewer"/>): the pool's terms, its pooled
/// totals (exact, or only as a range while too few countries have committed, <see cref="PoolDisclosure"/>),
/// whether it takes commitments now, and of the commitments and the outcome only the countries the reader sees.
/// </summary>
/// <param name="Totals">The exact pooled totals; null when the reader sees only <paramref name="Range"/>.</param>
/// <param name="Range">The range the pooled total lies in, when the reader may not see it exactly; else null.</param>
/// <param name="Countries">How many countries have committed, whether the reader sees them or not (a pooled total).</param>
/// <param name="DisclosureCountries">How many countries must commit before the reader sees exact totals.</param>
/// <param name="Commitments">The commitments the reader sees, countries in code order.</param>
/// <param name="Outcome">How the pool ended, cut down to the reader; null while it is open.</param>
public sealed record PoolView(
    Pool Pool,
    bool AcceptingCommitments,
    LiveView? Totals,
    VolumeRange? Range,
    int Countries,
    int DisclosureCountries,
    IReadOnlyList<PoolCommitment> Commitments,
    PoolOutcome? Outcome)
{
    public static PoolView Of(Pool pool, PoolViewer viewer, DateTimeOffset now)
    {
        var countries = pool.Commitments.Count;
        var exact = viewer.SeesExactTotals(countries);
        return new(
            pool,
            pool.AcceptsCommitmentsAt(now),
            exact ? pool.Totals() : null,
            exact ? null : PoolDisclosure.RangeFor(pool.Terms().Tiers, pool.Commitments, viewer.Country),
            countries,
            viewer.DisclosureCountries,
            [.. pool.Commitments.Where(c => viewer.Sees(c.CountryCode))],
            pool.Outcome?.SeenBy(viewer, countries));
    }
}
