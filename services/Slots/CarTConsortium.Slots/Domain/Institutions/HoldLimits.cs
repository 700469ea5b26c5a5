namespace CarTConsortium.Slots.Domain.Institutions;

/// <summary>
/// What one institution holds now: places in runs (from the hold until the product is shipped), and of them the holds not yet confirmed.
/// Counted no further than <see cref="HoldLimits.MaxActive"/>: an institution over a limit lowered since shows at it.
/// </summary>
public sealed record HoldCounts(int Active, int Unconfirmed);

/// <summary>The most one institution may hold at once, so that no hospital hoards the consortium's places.</summary>
/// <param name="MaxActive">Bookings holding a place in a run (held, confirmed, up to shipped).</param>
/// <param name="MaxUnconfirmed">Of those, holds not yet confirmed.</param>
public sealed record HoldLimits(int MaxActive, int MaxUnconfirmed)
{
    /// <summary>Why one more hold for <paramref name="institutionId"/> is refused, naming the limit and the count; null when it fits.</summary>
    public string? RefusalOfOneMore(string institutionId, string country, HoldCounts counts)
    {
        if (counts.Active >= MaxActive)
        {
            return $"Institution {institutionId} holds {counts.Active} active booking(s); the limit for {country} institutions is {MaxActive} "
                + "(Slots:InstitutionLimits). A place is held again once a booking is shipped, cancelled or lapses.";
        }
        if (counts.Unconfirmed >= MaxUnconfirmed)
        {
            return $"Institution {institutionId} holds {counts.Unconfirmed} unconfirmed hold(s); the limit for {country} institutions is {MaxUnconfirmed} "
                + "(Slots:InstitutionLimits). Confirm or cancel a hold first.";
        }
        return null;
    }
}

/// <summary>
/// The guard every new hold of one institution commits against (optimistic concurrency): the
/// institution's holds span sites and periods, so no per-site ledger serialises them. Reading
/// it before counting and updating it with the hold means two simultaneous holds cannot both
/// pass the count.
/// </summary>
/// <param name="HoldsMade">Holds made for the institution so far: the change every hold makes.</param>
public sealed record InstitutionHoldGuard(string InstitutionId, long HoldsMade)
{
    public InstitutionHoldGuard OneMore() => this with { HoldsMade = HoldsMade + 1 };
}
