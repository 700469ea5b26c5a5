using CarTConsortium.Slots.Domain.Waitlist;

namespace CarTConsortium.Slots.Domain.Allocation;

/// <summary>How often one institution declared each urgency in its requests, and how many of them got a place (held at once or offered later).</summary>
public sealed record UrgencyUse(string InstitutionId, string Country, int Emergency, int Urgent, int Standard, int EmergencyPlaced)
{
    public int Requests => Emergency + Urgent + Standard;

    /// <summary>
    /// The requests of <paramref name="decisions"/> per institution, most emergencies first.
    /// Requests kept before their urgency was recorded are left out: they cannot be told apart.
    /// </summary>
    public static IReadOnlyList<UrgencyUse> Of(IEnumerable<AllocationDecision> decisions)
    {
        var tally = new UrgencyTally();
        foreach (var decision in decisions)
        {
            tally.Add(decision);
        }
        return tally.Uses();
    }
}

/// <summary>
/// <see cref="UrgencyUse.Of"/> one decision at a time: what a report keeps while it reads a span's decisions page by page,
/// one small count per institution however many requests the span holds.
/// </summary>
public sealed class UrgencyTally
{
    private readonly Dictionary<string, (string Country, int Emergency, int Urgent, int Standard, int EmergencyPlaced)> _counts = new(StringComparer.Ordinal);

    public void Add(AllocationDecision decision)
    {
        if (decision.Urgency is not (UrgencyClass.Emergency or UrgencyClass.Urgent or UrgencyClass.Standard))
        {
            return;
        }
        var (country, emergency, urgent, standard, placed) = _counts.GetValueOrDefault(decision.TreatingInstitutionId, ("", 0, 0, 0, 0));
        // The institution's country as its first request that recorded one said.
        _counts[decision.TreatingInstitutionId] = (country.Length > 0 ? country : decision.Country,
            emergency + (decision.Urgency == UrgencyClass.Emergency ? 1 : 0),
            urgent + (decision.Urgency == UrgencyClass.Urgent ? 1 : 0),
            standard + (decision.Urgency == UrgencyClass.Standard ? 1 : 0),
            placed + (decision.Urgency == UrgencyClass.Emergency && decision.BookingId is not null ? 1 : 0));
    }

    /// <summary>The institutions counted, most emergencies first.</summary>
    public IReadOnlyList<UrgencyUse> Uses() =>
    [
        .. _counts
            .Select(c => new UrgencyUse(c.Key, c.Value.Country, c.Value.Emergency, c.Value.Urgent, c.Value.Standard, c.Value.EmergencyPlaced))
            .OrderByDescending(u => u.Emergency)
            .ThenBy(u => u.InstitutionId, StringComparer.Ordinal),
    ];
}
