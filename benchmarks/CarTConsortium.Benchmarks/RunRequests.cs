using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.ServiceDefaults;

namespace CarTConsortium.Benchmarks;

/// <summary>The one kind of request the benchmark makes: a standard-urgency run at the Astana site, within given days, refused rather than waitlisted.</summary>
public static class RunRequests
{
    public static RequestRunRequest For(string pseudonym, IReadOnlyList<DateOnly> days) => new()
    {
        Pseudonym = pseudonym,
        ProductId = Identities.ProductId,
        Indication = Identities.Indication,
        Urgency = UrgencyClass.Standard,
        SiteId = Identities.SiteId,
        EarliestStart = days[0].ToContractDate(),
        LatestStart = days[^1].ToContractDate(),
        TreatingInstitutionId = Identities.HospitalId,
        // A waitlist entry would outlive the scenario and hold the patient; a refusal is the outcome to count.
        NoWaitlist = true,
    };
}
