namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// A pool as one reader may see it (<see cref="PoolViewer"/>): the pool's terms and pooled
/// totals, whether it takes commitments now, and of the commitments and the outcome only the
/// countries the reader sees.
/// </summary>
/// <param name="Countries">How many countries have committed, whether the reader sees them or not (a pooled total).</param>
/// <param name="Commitments">The commitments the reader sees, countries in code order.</param>
/// <param name="Outcome">How the pool ended, cut down to the reader; null while it is open.</param>
public sealed record PoolView(
    Pool Pool,
    bool AcceptingCommitments,
    LiveView Totals,
    int Countries,
    IReadOnlyList<PoolCommitment> Commitments,
    PoolOutcome? Outcome)
{
    public static PoolView Of(Pool pool, PoolViewer viewer, DateTimeOffset now) => new(
        pool,
        pool.AcceptsCommitmentsAt(now),
        pool.Totals(),
        pool.Commitments.Count,
        [.. pool.Commitments.Where(c => viewer.Sees(c.CountryCode))],
        pool.Outcome?.SeenBy(viewer));
}
