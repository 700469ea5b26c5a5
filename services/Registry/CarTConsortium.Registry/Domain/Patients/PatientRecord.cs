using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Registry.Domain.Patients;

/// <summary>
/// One pseudonymised patient of the registry, as stored: one document per patient, under
/// its pseudonym. Every operation is pure: it checks its input (all INVALID_ARGUMENT field
/// violations at once, named as in the contract), then the record's state (a
/// FAILED_PRECONDITION <see cref="RuleViolationException"/> a clinician can act on), and
/// returns the new record; a refused change changes nothing.
/// </summary>
/// <remarks>
/// <para>
/// Consent. Without registry consent nothing may be kept, so a patient enrols only with it.
/// Withdrawing it later freezes the record rather than deleting it (the treating
/// institution may have to show what it did): a frozen record takes no infusion and no
/// outcome, is seen by its treating institution only, and leaves the statistics (see
/// <see cref="IsFrozen"/>). Only the treating institution lifts the freeze,
/// by recording registry consent again. Erasure on request is a separate, later process.
/// </para>
/// <para>
/// "Today", for every "not in the future" rule, is the calendar day in the easternmost time
/// zone (UTC+14; see <see cref="Today"/>): the platform has no time zone per institution, and
/// a clinician in Almaty recording a death at 01:00 local time must not be told that its
/// date is in the future. The price: a date at most one day ahead can pass.
/// </para>
/// <para>Infusions and outcomes are kept in date order (same-day entries in the order recorded).</para>
/// </remarks>
/// <param name="Pseudonym">E.g. KZ-7F3K-9Q2M-4N5P-R8TV; also the document id.</param>
/// <param name="CountryCode">The country whose national identifier the pseudonym comes from.</param>
/// <param name="TreatingInstitutionId">The institution that enrolled the patient and alone writes to the record.</param>
/// <param name="ConsentsChangedAt">When the consents were last set (the enrolment, at first).</param>
public sealed partial record PatientRecord(
    string Pseudonym,
    string CountryCode,
    string TreatingInstitutionId,
    int BirthYear,
    int BirthMonth,
    Sex Sex,
    Diagnosis Diagnosis,
    Consents Consents,
    IReadOnlyList<Infusion> Infusions,
    IReadOnlyList<Outcome> Outcomes,
    DateTimeOffset EnrolledAt,
    DateTimeOffset ConsentsChangedAt)
{
    public const int MaxAgeYears = 40;
    public const int MaxPriorLines = 15;
    public const double MaxDoseMillionCellsPerKg = 50;
    public const int MaxToxicityGrade = 4;
    public const int MaxDeathCauseLength = 200;
    public const int MaxBookingIdLength = 64;

    /// <summary>Registry consent is withdrawn: nothing is added, only the treating institution sees it.</summary>
    [JsonIgnore]
    public bool IsFrozen => !Consents.Registry;

    /// <summary>The recorded death, if any.</summary>
    [JsonIgnore]
    public Outcome? DeathRecorded => Outcomes.FirstOrDefault(o => o.Detail is Death);

    /// <summary>The last calendar day anywhere on Earth at <paramref name="now"/> (UTC+14): no date after it can have happened.</summary>
    public static DateOnly Today(DateTimeOffset now) => CalendarDays.LatestToday(now);

    /// <summary>
    /// Enrols a patient under the pseudonym of <paramref name="nationalId"/>, which is used
    /// for that alone and kept nowhere. Checking that the caller's institution is
    /// <paramref name="treatingInstitutionId"/>, that a foreign identifier is covered by a
    /// cross-border care agreement, and that the pseudonym is not enrolled yet
    /// (ALREADY_EXISTS) is the use case's part.
    /// </summary>
    /// <param name="countryCode">The country that issued the identifier (the use case puts the caller's when the request has none).</param>
    /// <param name="sex">Null when the request says UNSPECIFIED; so are the diagnosis enums.</param>
    /// <exception cref="InvalidArgumentException">Every bad field.</exception>
    /// <exception cref="RuleViolationException">The registry has no pseudonymisation secret for the country.</exception>
    public static PatientRecord Enrol(
        Pseudonymiser pseudonymiser,
        string nationalId,
        string countryCode,
        string treatingInstitutionId,
        int birthYear,
        int birthMonth,
        Sex? sex,
        DiseaseStatus? diseaseStatus,
        Cd19Status? cd19Status,
        int priorLines,
        Consents consents,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pseudonymiser);
        ArgumentNullException.ThrowIfNull(consents);
        var validator = new Validator();
        Pseudonymiser.CheckNationalId(nationalId, validator);
        validator
            .CountryCode(countryCode, "country_code")
            .Slug(treatingInstitutionId, "treating_institution_id");
        CheckBirth(birthYear, birthMonth, Today(now), validator);
        validator
            .Check(sex is not null, "sex", "must be FEMALE or MALE")
            .Check(diseaseStatus is not null, "diagnosis.disease_status", "must be RELAPSED or REFRACTORY")
            .Check(cd19Status is not null, "diagnosis.cd19_status", "must be POSITIVE or NEGATIVE")
            .Check(priorLines is >= 0 and <= MaxPriorLines, "diagnosis.prior_lines", $"must be 0-{MaxPriorLines}")
            .Check(consents.Registry, "consents.registry", "must be given to enrol: without registry consent nothing may be kept");
        CheckConsentDependencies(consents, validator);
        validator.ThrowIfInvalid();

        var pseudonym = pseudonymiser.Derive(countryCode, nationalId);
        return new PatientRecord(pseudonym, countryCode, treatingInstitutionId, birthYear, birthMonth, sex!.Value,
            new Diagnosis(diseaseStatus!.Value, cd19Status!.Value, priorLines), consents, [], [], now, now);
    }

    /// <summary>Records an infusion. Whether the product is in the catalogue is the use case's check.</summary>
    /// <param name="infusionId">The id the use case gives the new infusion.</param>
    /// <param name="bookingId">Null or empty when there was no slots booking.</param>
    /// <exception cref="InvalidArgumentException">Every bad field.</exception>
    /// <exception cref="RuleViolationException">Frozen; before the birth month; after the death; a second infusion that day.</exception>
    public PatientRecord RecordInfusion(string infusionId, string productId, double doseMillionCellsPerKg, DateParts? infusedOn, string? bookingId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(infusionId);
        var validator = new Validator()
            .Slug(productId, "product_id")
            .Check(double.IsFinite(doseMillionCellsPerKg) && doseMillionCellsPerKg is > 0 and <= MaxDoseMillionCellsPerKg,
                "dose_million_cells_per_kg", $"must be above 0 and at most {MaxDoseMillionCellsPerKg} million cells per kg");
        var day = PastDay(infusedOn, "infused_on", Today(now), validator);
        validator
            .Check(string.IsNullOrEmpty(bookingId) || BookingIdPattern().IsMatch(bookingId), "booking_id",
                $"must be at most {MaxBookingIdLength} letters, digits or dashes")
            .ThrowIfInvalid();

        var infusion = new Infusion(infusionId, productId, doseMillionCellsPerKg, day!.Value, string.IsNullOrEmpty(bookingId) ? null : bookingId, now);
        EnsureNotFrozen();
        if (infusion.InfusedOn < BirthMonthStart)
        {
            throw Rule($"An infusion on {Show(infusion.InfusedOn)} would be before the patient's birth month ({ShowBirthMonth()}).");
        }
        if (DeathRecorded is { } death && infusion.InfusedOn > death.OccurredOn)
        {
            throw Rule($"The patient's death is recorded on {Show(death.OccurredOn)}; an infusion cannot be dated after it.");
        }
        if (Infusions.FirstOrDefault(i => i.InfusedOn == infusion.InfusedOn) is { } sameDay)
        {
            throw Rule($"An infusion of {sameDay.ProductId} is already recorded on {Show(sameDay.InfusedOn)}; a patient is infused at most once a day.");
        }
        return this with { Infusions = [.. Infusions.Append(infusion).OrderBy(i => i.InfusedOn)] };
    }

    /// <summary>Records one clinical outcome; impossible data is refused.</summary>
    /// <param name="outcomeId">The id the use case gives the new outcome.</param>
    /// <param name="report">What happened; null when the request named no kind.</param>
    /// <param name="recordedByInstitutionId">The caller's institution.</param>
    /// <exception cref="InvalidArgumentException">Every bad field.</exception>
    /// <exception cref="RuleViolationException">
    /// Frozen; dated after the death, or a death dated before something recorded or a second
    /// death; no infusion before it (toxicity: on or before its day); a second day-28
    /// response to one infusion; a relapse without a remission before it, or a second
    /// relapse since that remission.
    /// </exception>
    public PatientRecord RecordOutcome(string outcomeId, DateParts? occurredOn, OutcomeReport? report, string recordedByInstitutionId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(outcomeId);
        ArgumentException.ThrowIfNullOrEmpty(recordedByInstitutionId);
        var today = Today(now);
        var validator = new Validator();
        var day = PastDay(occurredOn, "occurred_on", today, validator);
        var detail = Check(report, day, today, validator);
        validator.ThrowIfInvalid();

        var outcome = new Outcome(outcomeId, day!.Value, detail!, now, recordedByInstitutionId);
        EnsureNotFrozen();
        CheckAgainstRecord(outcome);
        return this with { Outcomes = [.. Outcomes.Append(outcome).OrderBy(o => o.OccurredOn)] };
    }

    /// <summary>
    /// Sets the consents. Withdrawing registry consent freezes the record; granting it again
    /// (the treating institution's call, see <see cref="PatientVisibility.CanChangeConsent"/>)
    /// lifts the freeze. Withdrawing cross-border sharing ends every view from outside the
    /// patient's country and the treating institution.
    /// </summary>
    /// <returns>The new record, or this very record when the consents are unchanged.</returns>
    /// <exception cref="InvalidArgumentException">Cross-border sharing or research without registry consent.</exception>
    public PatientRecord ChangeConsent(Consents consents, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(consents);
        var validator = new Validator();
        CheckConsentDependencies(consents, validator);
        validator.ThrowIfInvalid();
        return consents == Consents ? this : this with { Consents = consents, ConsentsChangedAt = now };
    }

    private DateOnly BirthMonthStart => new(BirthYear, BirthMonth, 1);

    private static void CheckBirth(int year, int month, DateOnly today, Validator validator)
    {
        var earliestYear = today.Year - MaxAgeYears;
        if (year == 0)
        {
            validator.Check(false, "birth_year", "is required");
        }
        else if (year > today.Year)
        {
            validator.Check(false, "birth_year", "must not be in the future");
        }
        else if (year < earliestYear)
        {
            validator.Check(false, "birth_year", $"must be at most {MaxAgeYears} years back");
        }
        if (month is < 1 or > 12)
        {
            validator.Check(false, "birth_month", "must be 1-12");
        }
        else if (year == today.Year && month > today.Month)
        {
            validator.Check(false, "birth_month", "must not be in the future");
        }
        else if (year == earliestYear && month < today.Month)
        {
            validator.Check(false, "birth_month", $"must be at most {MaxAgeYears} years back");
        }
    }

    private static void CheckConsentDependencies(Consents consents, Validator validator) =>
        validator
            .Check(consents.Registry || !consents.CrossBorderSharing, "consents.cross_border_sharing", "needs registry consent")
            .Check(consents.Registry || !consents.Research, "consents.research", "needs registry consent");

    /// <summary>A whole calendar day not after today, or null with a violation on <paramref name="field"/>.</summary>
    private static DateOnly? PastDay(DateParts? parts, string field, DateOnly today, Validator validator, bool required = true)
    {
        var day = validator.CalendarDay(parts, field, required);
        if (day > today)
        {
            validator.Check(false, field, "must not be in the future");
            return null;
        }
        return day;
    }

    private static OutcomeDetail? Check(OutcomeReport? report, DateOnly? occurredOn, DateOnly today, Validator validator)
    {
        switch (report)
        {
            case null:
                validator.Check(false, "kind", "is required: one of response, toxicity, relapse, transplant, death or follow_up");
                return null;
            case ResponseReport response:
                validator
                    .Check(response.Response is not null, "response.response", "must be CR, CRI or NO_RESPONSE")
                    .Check(!response.MrdNegative || response.Response is not Day28Response.NoResponse, "response.mrd_negative",
                        "can be true only with a complete remission (CR or CRi)");
                return response.Response is { } result ? new ResponseAssessment(result, response.MrdNegative) : null;
            case ToxicityReport toxicity:
                validator
                    .Check(toxicity.Kind is not null, "toxicity.kind", "must be CRS or ICANS")
                    .Check(toxicity.Grade is >= 0 and <= MaxToxicityGrade, "toxicity.grade", $"must be an ASTCT grade, 0-{MaxToxicityGrade}");
                var resolvedOn = PastDay(toxicity.ResolvedOn, "toxicity.resolved_on", today, validator, required: false);
                if (resolvedOn is { } resolved)
                {
                    validator
                        .Check(toxicity.Grade != 0, "toxicity.resolved_on", "is only for grades above 0")
                        .Check(occurredOn is not { } onset || resolved >= onset, "toxicity.resolved_on", "must not be before occurred_on");
                }
                return toxicity.Kind is { } kind ? new Toxicity(kind, toxicity.Grade, resolvedOn) : null;
            case RelapseReport relapse:
                validator.Check(relapse.Cd19Status is not null, "relapse.cd19_status", "must be POSITIVE or NEGATIVE");
                return relapse.Cd19Status is { } cd19 ? new Relapse(cd19) : null;
            case TransplantReport transplant:
                return new Transplant(transplant.Allogeneic);
            case DeathReport death:
                var cause = death.Cause?.Trim() ?? "";
                validator.MaxLength(cause, MaxDeathCauseLength, "death.cause");
                return new Death(cause);
            case FollowUpReport followUp:
                validator.Check(followUp.DiseaseState is not null, "follow_up.disease_state", "must be IN_REMISSION or ACTIVE_DISEASE");
                return followUp.DiseaseState is { } state ? new FollowUpVisit(state, followUp.BCellAplasia) : null;
            default:
                throw new ArgumentException($"Unknown outcome report {report.GetType().Name}.", nameof(report));
        }
    }

    private void EnsureNotFrozen()
    {
        if (IsFrozen)
        {
            throw Rule("Registry consent for this patient is withdrawn, so the record is frozen: nothing can be added " +
                "until the treating institution records registry consent again.");
        }
    }

    private void CheckAgainstRecord(Outcome outcome)
    {
        var day = outcome.OccurredOn;
        if (DeathRecorded is { } death)
        {
            if (outcome.Detail is Death)
            {
                throw Rule($"A death is already recorded on {Show(death.OccurredOn)}; a patient dies once.");
            }
            if (day > death.OccurredOn)
            {
                throw Rule($"The patient's death is recorded on {Show(death.OccurredOn)}; {Describe(outcome.Detail)} cannot be dated after it.");
            }
            if (outcome.Detail is Toxicity { ResolvedOn: { } resolved } && resolved > death.OccurredOn)
            {
                throw Rule($"The patient's death is recorded on {Show(death.OccurredOn)}; a toxicity cannot resolve after it.");
            }
        }
        switch (outcome.Detail)
        {
            case Death:
                CheckDeathDate(day);
                break;
            case Toxicity:
                _ = InfusionBefore(day, Describe(outcome.Detail), sameDayCounts: true);
                break;
            case ResponseAssessment:
                var infusion = InfusionBefore(day, Describe(outcome.Detail), sameDayCounts: false);
                if (Outcomes.FirstOrDefault(o => o.Detail is ResponseAssessment && LatestInfusionBefore(o.OccurredOn)?.InfusionId == infusion.InfusionId) is { } assessed)
                {
                    throw Rule($"The day-28 response to the infusion of {Show(infusion.InfusedOn)} is already recorded " +
                        $"(assessed on {Show(assessed.OccurredOn)}); an infusion has one.");
                }
                break;
            case Relapse:
                _ = InfusionBefore(day, Describe(outcome.Detail), sameDayCounts: false);
                var remission = LatestRemissionBefore(day)
                    ?? throw Rule($"A relapse on {Show(day)} needs a complete remission (CR or CRi) recorded before it.");
                if (Outcomes.FirstOrDefault(o => o.Detail is Relapse && LatestRemissionBefore(o.OccurredOn)?.OutcomeId == remission.OutcomeId) is { } relapsed)
                {
                    throw Rule($"A relapse is already recorded on {Show(relapsed.OccurredOn)} after the remission of {Show(remission.OccurredOn)}; " +
                        "another relapse needs a new remission first.");
                }
                break;
            default:
                _ = InfusionBefore(day, Describe(outcome.Detail), sameDayCounts: false);
                break;
        }
    }

    private void CheckDeathDate(DateOnly day)
    {
        if (day < BirthMonthStart)
        {
            throw Rule($"A death on {Show(day)} would be before the patient's birth month ({ShowBirthMonth()}).");
        }
        var latest = Infusions.Select(i => (Day: i.InfusedOn, What: "an infusion"))
            .Concat(Outcomes.Select(o => (Day: o.OccurredOn, What: Describe(o.Detail))))
            .Concat(Outcomes.Where(o => o.Detail is Toxicity { ResolvedOn: not null })
                .Select(o => (Day: ((Toxicity)o.Detail).ResolvedOn!.Value, What: "the resolution of " + Describe(o.Detail))))
            .Where(e => e.Day > day)
            .OrderByDescending(e => e.Day)
            .FirstOrDefault();
        if (latest.What is not null)
        {
            throw Rule($"The death cannot be dated {Show(day)}: the record already holds {latest.What} on {Show(latest.Day)}.");
        }
    }

    private Infusion InfusionBefore(DateOnly day, string what, bool sameDayCounts)
    {
        var infusion = sameDayCounts ? Infusions.Where(i => i.InfusedOn <= day).MaxBy(i => i.InfusedOn) : LatestInfusionBefore(day);
        if (infusion is not null)
        {
            return infusion;
        }
        var when = sameDayCounts ? "on or before its day" : "before it";
        throw Rule(Infusions.Count == 0
            ? $"{Capitalised(what)} needs an infusion {when}, and none is recorded."
            : $"{Capitalised(what)} on {Show(day)} needs an infusion {when}; the first is recorded on {Show(Infusions.Min(i => i.InfusedOn))}.");
    }

    /// <summary>The infusion a day-28 response on <paramref name="day"/> assesses: the latest strictly before it.</summary>
    private Infusion? LatestInfusionBefore(DateOnly day) => Infusions.Where(i => i.InfusedOn < day).MaxBy(i => i.InfusedOn);

    /// <summary>The remission a relapse on <paramref name="day"/> ends: the latest CR or CRi strictly before it.</summary>
    private Outcome? LatestRemissionBefore(DateOnly day) =>
        Outcomes.Where(o => o.Detail is ResponseAssessment { IsRemission: true } && o.OccurredOn < day).MaxBy(o => o.OccurredOn);

    private static string Describe(OutcomeDetail detail) => detail switch
    {
        ResponseAssessment => "a day-28 response",
        Toxicity { Kind: ToxicityKind.Crs } => "a CRS",
        Toxicity => "an ICANS",
        Relapse => "a relapse",
        Transplant => "a transplant",
        Death => "a death",
        _ => "a follow-up visit",
    };

    private static string Capitalised(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string Show(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private string ShowBirthMonth() => string.Create(CultureInfo.InvariantCulture, $"{BirthYear:0000}-{BirthMonth:00}");

    private static RuleViolationException Rule(string message) => new(message);

    [GeneratedRegex(@"^[A-Za-z0-9-]{1,64}\z")]
    private static partial Regex BookingIdPattern();
}
