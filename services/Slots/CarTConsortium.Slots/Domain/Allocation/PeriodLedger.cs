namespace CarTConsortium.Slots.Domain.Allocation;

/// <summary>The places of one run as the ledger counts them.</summary>
/// <param name="ApheresisCutoff">The run's last day for an apheresis to arrive: after it nobody can book the run. Null in ledgers written before it was kept.</param>
/// <param name="TakenBy">Places taken, per country of the treating institution. A place stays taken from the hold
/// until the booking is cancelled or its hold expires: a run that was manufactured used its line.</param>
public sealed record RunPlaces(int Lines, bool Open, IReadOnlyDictionary<string, int> TakenBy, DateOnly? ApheresisCutoff = null)
{
    /// <summary>Whether anyone could still book a free place in the run on <paramref name="today"/>.</summary>
    public bool IsBookableOn(DateOnly today) => Open && (ApheresisCutoff is null || ApheresisCutoff >= today);

    public int Taken => TakenBy.Values.Sum();

    public int Free => Open ? Math.Max(0, Lines - Taken) : 0;
}

/// <summary>
/// Every run of one site in one fair-share period (a calendar month), and who holds its
/// places. Every booking, cancellation, lapse, move and capacity change at the site in the
/// period commits against this one document (optimistic concurrency), so two of them can
/// never both take the last place, nor both use the last of a country's share.
/// </summary>
/// <param name="LedgerId">"{site}/{yyyy-MM}" (<see cref="IdOf"/>): the site and period it counts are its identity.</param>
public sealed record PeriodLedger(string LedgerId, string SiteId, string Period, IReadOnlyDictionary<string, RunPlaces> Runs)
{
    public static string IdOf(string siteId, DateOnly runStart) => $"{siteId}/{Domain.Runs.Period.Of(runStart)}";

    public static PeriodLedger Empty(string siteId, DateOnly runStart) =>
        new(IdOf(siteId, runStart), siteId, Domain.Runs.Period.Of(runStart), new Dictionary<string, RunPlaces>());

    /// <summary>Lines of the open runs: the capacity shares are taken of.</summary>
    public int OpenLines => Runs.Values.Where(r => r.Open).Sum(r => r.Lines);

    public int Taken => Runs.Values.Where(r => r.Open).Sum(r => r.Taken);

    /// <summary>Free places in the runs still bookable on <paramref name="today"/>: what guarantees can still be met from.</summary>
    public int FreeOn(DateOnly today) => Runs.Values.Where(r => r.IsBookableOn(today)).Sum(r => r.Free);

    /// <summary>Places the country's treating institutions hold in open runs of the period.</summary>
    public int TakenBy(string country) => Runs.Values.Where(r => r.Open).Sum(r => r.TakenBy.GetValueOrDefault(country));

    public RunPlaces PlacesOf(string capacityId) => Runs.TryGetValue(capacityId, out var places)
        ? places
        : throw new InvalidOperationException($"Ledger {LedgerId} has no run {capacityId}.");

    /// <summary>The run with its lines and whether it is open; its places taken are kept.</summary>
    /// <param name="apheresisCutoff">The run's cut-off; the one kept stays when not given.</param>
    public PeriodLedger WithRun(string capacityId, int lines, bool open, DateOnly? apheresisCutoff = null) =>
        With(capacityId, Runs.TryGetValue(capacityId, out var places)
            ? places with { Lines = lines, Open = open, ApheresisCutoff = apheresisCutoff ?? places.ApheresisCutoff }
            : new RunPlaces(lines, open, new Dictionary<string, int>(), apheresisCutoff));

    /// <summary>One more place taken in the run by <paramref name="country"/>; the caller checked that one is free.</summary>
    public PeriodLedger Take(string capacityId, string country)
    {
        var places = PlacesOf(capacityId);
        if (places.Free == 0)
        {
            throw new InvalidOperationException($"Run {capacityId} has no free place.");
        }
        return With(capacityId, places with { TakenBy = Count(places.TakenBy, country, +1) });
    }

    /// <summary>A place given back by <paramref name="country"/>.</summary>
    public PeriodLedger Free(string capacityId, string country)
    {
        var places = PlacesOf(capacityId);
        if (places.TakenBy.GetValueOrDefault(country) == 0)
        {
            throw new InvalidOperationException($"Run {capacityId} holds no place for {country}.");
        }
        return With(capacityId, places with { TakenBy = Count(places.TakenBy, country, -1) });
    }

    private PeriodLedger With(string capacityId, RunPlaces places) =>
        this with { Runs = new Dictionary<string, RunPlaces>(Runs) { [capacityId] = places } };

    private static Dictionary<string, int> Count(IReadOnlyDictionary<string, int> takenBy, string country, int change)
    {
        var counts = new Dictionary<string, int>(takenBy);
        var count = counts.GetValueOrDefault(country) + change;
        if (count == 0)
        {
            counts.Remove(country);
        }
        else
        {
            counts[country] = count;
        }
        return counts;
    }
}
