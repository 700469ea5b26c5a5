namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>One country at closing: what it committed, the units it gets and what they cost.</summary>
/// <param name="AloneUnitPrice">The price of the tier its allocated units reach alone; null for 0 units.</param>
public sealed record CountryOutcome(string CountryCode, int Committed, int Allocated, Money? AloneUnitPrice, Savings Savings);

/// <summary>A commitment that left the pool at closing, with the price it met and in which round.</summary>
public sealed record DroppedOut(string CountryCode, int Quantity, Money MaxUnitPrice, Money PriceThen, int Round, string Reason);

/// <summary>How a pool ended, as stored with it: the <see cref="SettlementResult"/> in plain data.</summary>
/// <param name="Failure">Null when the pool went ahead.</param>
/// <param name="Tier">The fixed tier and price; null when the pool failed.</param>
/// <param name="Countries">Every kept country, by code; empty when the pool failed.</param>
/// <param name="PoolSavings">The sums of the countries' savings; null when the pool failed.</param>
public sealed record PoolOutcome(
    FailureReason? Failure,
    string Description,
    int CommittedVolume,
    int KeptVolume,
    int DeliveredVolume,
    PriceTier? Tier,
    IReadOnlyList<CountryOutcome> Countries,
    IReadOnlyList<DroppedOut> Dropped,
    Savings? PoolSavings)
{
    public bool CapBinds => Failure is null && DeliveredVolume < KeptVolume;

    /// <summary>
    /// The outcome as <paramref name="viewer"/> may see it: only the allocations and drop-outs of
    /// countries they see, and the pool's volumes only when they see the exact totals of a pool
    /// <paramref name="countries"/> countries committed to; otherwise the volumes are 0 and the
    /// description names only the price tier or the rule the pool failed by.
    /// </summary>
    public PoolOutcome SeenBy(PoolViewer viewer, int countries)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var own = this with
        {
            Countries = [.. Countries.Where(c => viewer.Sees(c.CountryCode))],
            Dropped = [.. Dropped.Where(d => viewer.Sees(d.CountryCode))],
        };
        return DisclosesVolumesTo(viewer, countries)
            ? own
            : own with { CommittedVolume = 0, KeptVolume = 0, DeliveredVolume = 0, Description = WithoutVolumes() };
    }

    /// <summary>
    /// Whether <paramref name="viewer"/> may read the pool's volumes of a pool <paramref name="countries"/>
    /// countries committed to. Each sum they could take apart must hide as many other countries as an open
    /// pool's total does (the disclosure threshold less the viewer): the committed total less the kept one is
    /// the dropped countries' sum, and the kept total less one's own the other kept countries' sum.
    /// </summary>
    public bool DisclosesVolumesTo(PoolViewer viewer, int countries)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        if (viewer.SeesEveryCountry)
        {
            return true;
        }
        var viewerDropped = Dropped.Any(d => viewer.Sees(d.CountryCode));
        var droppedOthers = Dropped.Count - (viewerDropped ? 1 : 0);
        // Counted as if the viewer were kept unless it dropped: one fewer other, the careful side.
        var keptOthers = countries - Dropped.Count - (viewerDropped ? 0 : 1);
        bool Hides(int others) => others <= 0 || others >= viewer.DisclosureCountries - 1;
        return viewer.SeesExactTotals(countries) && Hides(droppedOthers) && Hides(keptOthers);
    }

    private string WithoutVolumes() => Failure switch
    {
        null => $"at {Tier!.UnitPrice} each (the tier from {Tier.MinQuantity}); the volumes are shown once more countries take part",
        FailureReason.MinimumNotReached => "below the minimum volume",
        _ => "below the minimum volume once the commitments below the price had dropped out",
    };

    public static PoolOutcome Of(SettlementResult result, IReadOnlyList<PoolCommitment> commitments)
    {
        var committed = commitments.Sum(c => c.Quantity);
        switch (result)
        {
            case SettlementResult.Settled settled:
                var description = $"{settled.DeliveredVolume} units at {settled.UnitPrice} each (the tier from {settled.Tier.MinQuantity})"
                    + (settled.CapBinds ? $", the supply cap shared pro rata among {settled.KeptVolume} units committed" : "")
                    + (settled.Dropped.Count > 0 ? $"; {settled.Dropped.Count} commitment(s) dropped out above their maximum price" : "");
                return new PoolOutcome(null, description, committed, settled.KeptVolume, settled.DeliveredVolume, settled.Tier,
                    [.. settled.Countries.Select(c => new CountryOutcome(c.CountryCode, c.Commitment.Quantity, c.Allocated, c.AloneUnitPrice, c.Savings))],
                    DroppedOf(settled.Dropped), settled.Pool);
            case SettlementResult.Failed failed:
                return new PoolOutcome(failed.Reason, failed.Description, committed, failed.KeptVolume, 0, null, [], DroppedOf(failed.Dropped), null);
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown settlement result.");
        }
    }

    private static IReadOnlyList<DroppedOut> DroppedOf(IReadOnlyList<DroppedCommitment> dropped) =>
        [.. dropped.Select(d => new DroppedOut(d.Commitment.CountryCode, d.Commitment.Quantity, d.Commitment.MaxUnitPrice, d.PriceThen, d.Round, d.Reason))];
}
