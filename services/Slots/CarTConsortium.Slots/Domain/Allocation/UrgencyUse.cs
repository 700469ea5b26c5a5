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
    public static IReadOnlyList<UrgencyUse> Of(IEnumerable<AllocationDecision> decisions) =>
    [
        .. decisions
            .Where(d => d.Urgency is UrgencyClass.Emergency or UrgencyClass.Urgent or UrgencyClass.Standard)
            .GroupBy(d => d.TreatingInstitutionId, StringComparer.Ordinal)
            .Select(g => new UrgencyUse(g.Key, g.Select(d => d.Country).FirstOrDefault(c => c.Length > 0) ?? "",
                g.Count(d => d.Urgency == UrgencyClass.Emergency),
                g.Count(d => d.Urgency == UrgencyClass.Urgent),
                g.Count(d => d.Urgency == UrgencyClass.Standard),
                g.Count(d => d.Urgency == UrgencyClass.Emergency && d.BookingId is not null)))
            .OrderByDescending(u => u.Emergency)
            .ThenBy(u => u.InstitutionId, StringComparer.Ordinal),
    ];
}
