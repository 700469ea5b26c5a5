using System.Globalization;
using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Slots.Domain.Runs;

namespace CarTConsortium.Slots.Domain.Allocation;

/// <summary>What a request for a run says about the patient, as checked and looked up by the use case.</summary>
/// <param name="TreatingCountry">The treating institution's country: where the product is used, whose share a place counts in.</param>
/// <param name="BirthYear">From the registry; 0 when it did not say (an older enrolment event).</param>
public sealed record RunRequest(
    string Pseudonym,
    string ProductId,
    string Indication,
    string TreatingInstitutionId,
    string TreatingCountry,
    int BirthYear,
    int BirthMonth,
    bool SharedAcrossBorders);

/// <summary>The verdict on one run for one request: whether it fits, and every reason, written for the hospital.</summary>
public sealed record RunDecision(string CapacityId, string SiteId, DateOnly RunStart, bool Fits, IReadOnlyList<string> Reasons);

/// <summary>What the use case knows of one candidate run when it weighs it.</summary>
/// <param name="Agreement">The agreement between the site's and the treating country, when they differ and one exists.</param>
/// <param name="Authorisations">Every authorisation slots knows of the product in the treating country.</param>
public sealed record RunFacts(
    ManufacturingRun Run,
    PeriodLedger Ledger,
    CountryAgreement? Agreement,
    IReadOnlyList<AuthorisationTerms> Authorisations,
    Func<string, AuthorisationTerms?> AuthorisationById);

/// <summary>
/// The rules a run must meet for a request, enforced at booking and at confirmation,
/// without I/O: open, the apheresis can reach the site by the cut-off (with the shipment
/// lead time across a border), a free line, the product authorised for the patient's
/// country, age and institution on the run's first day, an agreement for a cross-border
/// run, and the fair share of the treating country.
/// </summary>
public static class RunRules
{
    /// <summary>Every rule, for a new booking.</summary>
    public static RunDecision Weigh(RunRequest request, RunFacts facts, FairnessOptions fairness, DateOnly today) =>
        Decide(request, facts, fairness, today, forExistingPlace: false);

    /// <summary>
    /// The rules again for a booking that already holds a place in the run (at confirmation
    /// or a move): the line and the fair share are its own already.
    /// </summary>
    public static RunDecision Recheck(RunRequest request, RunFacts facts, DateOnly today) =>
        Decide(request, facts, new FairnessOptions(), today, forExistingPlace: true);

    /// <summary>The patient's age in whole years on <paramref name="day"/>, counting from the first of the birth month (the registry keeps no day).</summary>
    public static int? AgeOn(int birthYear, int birthMonth, DateOnly day) =>
        birthYear <= 0 || birthMonth is < 1 or > 12 ? null : day.Year - birthYear - (day.Month < birthMonth ? 1 : 0);

    private static RunDecision Decide(RunRequest request, RunFacts facts, FairnessOptions fairness, DateOnly today, bool forExistingPlace)
    {
        var run = facts.Run;
        var against = new List<string>();
        var for_ = new List<string>();
        if (!run.IsOpen)
        {
            against.Add("the site has closed this run" + (run.ClosedReason is { } why ? $" ({why})" : ""));
        }
        if (!string.Equals(run.ProductId, request.ProductId, StringComparison.Ordinal))
        {
            against.Add($"it is a run of {run.ProductId}, not {request.ProductId}");
        }
        var crossBorder = !string.Equals(run.SiteCountry, request.TreatingCountry, StringComparison.Ordinal);
        var leadDays = crossBorder && facts.Agreement is { Shipment: true } shipment ? shipment.ShipmentLeadDays : 0;
        CheckCutoff(run, today, leadDays, crossBorder, against, for_);
        if (crossBorder)
        {
            CheckAgreement(request, facts, today, against, for_);
        }
        // A closed run has no free place by definition: it is refused as closed, not as booked.
        if (!forExistingPlace && run.IsOpen)
        {
            var places = facts.Ledger.PlacesOf(run.CapacityId);
            if (places.Free == 0)
            {
                against.Add($"all {places.Lines} line(s) are booked");
            }
            else
            {
                for_.Add($"{places.Free} of {places.Lines} line(s) free");
            }
        }
        CheckAuthorisation(request, facts, against, for_);
        if (!forExistingPlace)
        {
            var (allowed, reason) = FairShare.MayTake(facts.Ledger, fairness, request.TreatingCountry, run.RunStart, today);
            (allowed ? for_ : against).Add(reason);
        }
        var fits = against.Count == 0;
        return new RunDecision(run.CapacityId, run.SiteId, run.RunStart, fits, fits ? for_ : against);
    }

    private static void CheckCutoff(ManufacturingRun run, DateOnly today, int leadDays, bool crossBorder, List<string> against, List<string> for_)
    {
        var arrival = today.AddDays(leadDays);
        if (arrival > run.ApheresisCutoff)
        {
            against.Add(leadDays > 0
                ? $"the apheresis would arrive {Day(arrival)} at the earliest ({leadDays}-day shipment), after the cut-off of {Day(run.ApheresisCutoff)}"
                : $"the apheresis cut-off of {Day(run.ApheresisCutoff)} has passed");
        }
        else
        {
            for_.Add(crossBorder
                ? $"the apheresis can arrive by {Day(arrival)} ({leadDays}-day shipment), before the cut-off of {Day(run.ApheresisCutoff)}"
                : $"the apheresis can arrive before the cut-off of {Day(run.ApheresisCutoff)}");
        }
    }

    private static void CheckAgreement(RunRequest request, RunFacts facts, DateOnly today, List<string> against, List<string> for_)
    {
        var pair = $"{facts.Run.SiteCountry} and {request.TreatingCountry}";
        if (facts.Agreement is not { } agreement)
        {
            against.Add($"the site is in {facts.Run.SiteCountry}, and {pair} have no agreement");
            return;
        }
        var before = against.Count;
        if (!agreement.Shipment)
        {
            against.Add($"the agreement {agreement.AgreementId} does not cover shipment of cells");
        }
        if (!agreement.IsInForceOn(today) || !agreement.IsInForceOn(facts.Run.RunStart))
        {
            against.Add($"the agreement {agreement.AgreementId} is not in force from today to the run's start ({Day(agreement.EffectiveFrom)} to {(agreement.EndsOn is { } ends ? Day(ends) : "open-ended")})");
        }
        if (!request.SharedAcrossBorders)
        {
            against.Add("the patient has not consented to cross-border sharing, and the site is in another country");
        }
        if (against.Count == before)
        {
            for_.Add($"cross-border under agreement {agreement.AgreementId} ({agreement.ShipmentLeadDays}-day shipment)");
        }
    }

    private static void CheckAuthorisation(RunRequest request, RunFacts facts, List<string> against, List<string> for_)
    {
        var product = request.ProductId;
        var country = request.TreatingCountry;
        var day = facts.Run.RunStart;
        if (AgeOn(request.BirthYear, request.BirthMonth, day) is not { } age)
        {
            against.Add("the registry has not given the patient's birth month, so the authorisation's age range cannot be checked");
            return;
        }
        if (facts.Authorisations.Count == 0)
        {
            against.Add($"no authorisation of {product} in {country} is known");
            return;
        }
        var question = new UsageQuestion(product, country, age, request.Indication, request.TreatingInstitutionId, day);
        var verdicts = UsageRules.Verdicts(facts.Authorisations, question, facts.AuthorisationById);
        if (verdicts.FirstOrDefault(v => v.Reasons.Count == 0) is { Candidate: not null } allowing)
        {
            for_.Add($"{product} is authorised in {country} by {allowing.Candidate.AuthorisationId} for this patient ({age} years) on {Day(day)}");
            return;
        }
        foreach (var (candidate, reasons) in verdicts)
        {
            against.Add($"{candidate.AuthorisationId} does not allow it: {string.Join(" ", reasons)}");
        }
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
