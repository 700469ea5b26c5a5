using System.Globalization;

namespace CarTConsortium.Slots.Domain.Allocation;

/// <summary>A country's standing in one site's period.</summary>
public sealed record ShareStanding(string CountryCode, int Percent, int Guaranteed, int Used)
{
    /// <summary>Guaranteed places the country has not used yet.</summary>
    public int Unused => Math.Max(0, Guaranteed - Used);
}

/// <summary>
/// The fair-share rule, without I/O. Before a run's release day a country may take a place
/// in it when it is within its own guarantee, or when the places it leaves free in the
/// period's runs still open to booking cover every other country's unused guarantee. From the
/// release day (run start minus <see cref="FairnessOptions.ReleaseDaysBeforeRun"/>) any free
/// place is open to all.
/// </summary>
public static class FairShare
{
    public static IReadOnlyList<ShareStanding> Standings(PeriodLedger ledger, FairnessOptions options)
    {
        var lines = ledger.OpenLines;
        return [.. options.Shares
            .Where(s => s.Value > 0)
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new ShareStanding(s.Key.ToUpperInvariant(), s.Value, s.Value * lines / 100, ledger.TakenBy(s.Key.ToUpperInvariant())))];
    }

    /// <summary>Places guaranteed to no country.</summary>
    public static int Unreserved(PeriodLedger ledger, FairnessOptions options) =>
        ledger.OpenLines - Standings(ledger, options).Sum(s => s.Guaranteed);

    public static DateOnly ReleaseDay(DateOnly runStart, FairnessOptions options) => runStart.AddDays(-options.ReleaseDaysBeforeRun);

    /// <summary>Whether <paramref name="country"/> may take one more place in a run starting <paramref name="runStart"/>, and why, in a sentence.</summary>
    public static (bool Allowed, string Reason) MayTake(PeriodLedger ledger, FairnessOptions options, string country, DateOnly runStart, DateOnly today)
    {
        var release = ReleaseDay(runStart, options);
        if (today >= release)
        {
            return (true, $"unused shares of this run opened to all on {Day(release)}");
        }
        var standings = Standings(ledger, options);
        var own = standings.FirstOrDefault(s => s.CountryCode == country);
        if (own is { Unused: > 0 })
        {
            return (true, $"within {country}'s guaranteed share ({own.Used} of {own.Guaranteed} places used in {ledger.Period})");
        }
        var othersUnused = standings.Where(s => s.CountryCode != country).Sum(s => s.Unused);
        // Only places someone can still book count: a run past its cut-off meets nobody's guarantee.
        var freeAfter = ledger.FreeOn(today) - 1;
        // Nobody else is owed a place: a full run is the capacity rule's to refuse, not this one's.
        if (othersUnused == 0 || freeAfter >= othersUnused)
        {
            return (true, othersUnused == 0
                ? $"from the places no country's share holds in {ledger.Period}"
                : $"{freeAfter} place(s) stay free in {ledger.Period}, enough for the {othersUnused} other countries' guaranteed places still unused");
        }
        var ownPart = own is null
            ? $"{country} has no guaranteed share at this site"
            : $"{country} has used its {own.Guaranteed} guaranteed place(s) in {ledger.Period}";
        var holders = string.Join(", ", standings.Where(s => s.CountryCode != country && s.Unused > 0).Select(s => $"{s.CountryCode} {s.Unused}"));
        return (false, $"{ownPart}, and the remaining free places are guaranteed to other countries ({holders}) until {Day(release)}, when unused shares open to all");
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
