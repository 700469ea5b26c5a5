using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.ServiceDefaults;

namespace CarTConsortium.Benchmarks;

/// <summary>The one kind of request the benchmark makes: a standard-urgency run within given days, refused rather than waitlisted.</summary>
public static class RunRequests
{
    /// <summary>At the Astana site.</summary>
    public static RequestRunRequest For(string pseudonym, IReadOnlyList<DateOnly> days) => For(pseudonym, days, Identities.SiteId);

    /// <param name="siteId">Only runs at this site; any site when empty (the release day).</param>
    public static RequestRunRequest For(string pseudonym, IReadOnlyList<DateOnly> days, string siteId) => new()
    {
        Pseudonym = pseudonym,
        ProductId = Identities.ProductId,
        Indication = Identities.Indication,
        Urgency = UrgencyClass.Standard,
        SiteId = siteId,
        EarliestStart = days[0].ToContractDate(),
        LatestStart = days[^1].ToContractDate(),
        TreatingInstitutionId = Identities.HospitalId,
        // A waitlist entry names no days: it would outlive the scenario, hold the patient and be owed places in later
        // scenarios' runs. A refusal is the outcome to count.
        NoWaitlist = true,
    };
}
