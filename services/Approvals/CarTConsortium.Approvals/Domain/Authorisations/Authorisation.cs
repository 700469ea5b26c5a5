using System.Collections.Frozen;
using System.Text.Json.Serialization;
using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using static CarTConsortium.Approvals.Authorisations.AuthorisationStanding;

namespace CarTConsortium.Approvals.Domain.Authorisations;

/// <summary>
/// One product's authorisation in one jurisdiction under one pathway, as stored. Every
/// operation is pure and returns the new authorisation; a refused change changes nothing.
/// </summary>
/// <remarks>
/// <para>
/// Lifecycle (the contract's comment on AuthorisationStatus, as <see cref="Transitions"/>):
/// PLANNED, SUBMITTED, UNDER_REVIEW, then APPROVED, CONDITIONALLY_APPROVED or REJECTED;
/// CONDITIONALLY_APPROVED may become APPROVED; either approval may be SUSPENDED and is then
/// reinstated to exactly the status it was suspended from (<see cref="SuspendedFrom"/>);
/// anything not yet ended may be WITHDRAWN. EXPIRED is reached only through
/// <see cref="Expire"/> (the background job), never through <see cref="ChangeStatus"/>.
/// REJECTED, WITHDRAWN and EXPIRED are final.
/// </para>
/// <para>
/// Order of checks in <see cref="ChangeStatus"/>: a missing target status first
/// (INVALID_ARGUMENT on <c>status</c>: there is nothing to check a step against), then
/// the step itself (FAILED_PRECONDITION, <see cref="RuleViolationException"/>), then the
/// dates (INVALID_ARGUMENT, every bad date at once). So a caller sending an illegal step
/// with bad dates learns first that the step is illegal. <see cref="Amend"/> likewise
/// checks the state before the input.
/// </para>
/// <para>
/// An approval whose expiry has passed (<see cref="IsDueToExpire"/>) counts as expired
/// even before the job marks it: it can only be withdrawn, and it cannot be amended (a
/// renewal has to come before the expiry). This keeps the outcome independent of when
/// the job runs.
/// </para>
/// <para>Dates are calendar days; <c>today</c> is the caller's, and "not in the future" means not after it.</para>
/// </remarks>
/// <param name="AuthorisationId"><c>{product_id}.{jurisdiction}.{Pathway}</c>: one authorisation per triple.</param>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 code in upper case, or EU.</param>
/// <param name="ReferenceAuthorisationId">For a reliance: the reference authority's authorisation; null otherwise.</param>
/// <param name="EffectiveOn">The first day it allows use (set by an approval).</param>
/// <param name="ExpiresOn">The last day it allows use; null when it does not expire.</param>
/// <param name="SuspendedFrom">While suspended: the status a reinstatement returns to; null otherwise.</param>
public sealed record Authorisation(
    string AuthorisationId,
    string ProductId,
    string Jurisdiction,
    Authority Authority,
    Pathway Pathway,
    AuthorisationStatus Status,
    DateTimeOffset RecordedAt,
    Scope Scope,
    string? ReferenceAuthorisationId,
    DateOnly? SubmittedOn,
    DateOnly? DecidedOn,
    DateOnly? EffectiveOn,
    DateOnly? ExpiresOn,
    AuthorisationStatus? SuspendedFrom)
{
    public const int MaxReferenceLength = 200;
    public const int MaxReasonLength = 500;

    /// <summary>
    /// Every step <see cref="ChangeStatus"/> may take from each status (final ones: none).
    /// From SUSPENDED the approvals listed are reinstatements: only to <see cref="SuspendedFrom"/>.
    /// EXPIRED is in no set: only <see cref="Expire"/> reaches it.
    /// </summary>
    public static IReadOnlyDictionary<AuthorisationStatus, IReadOnlySet<AuthorisationStatus>> Transitions { get; } =
        new Dictionary<AuthorisationStatus, IReadOnlySet<AuthorisationStatus>>
        {
            [AuthorisationStatus.Planned] = Set(AuthorisationStatus.Submitted, AuthorisationStatus.Withdrawn),
            [AuthorisationStatus.Submitted] = Set(AuthorisationStatus.UnderReview, AuthorisationStatus.Withdrawn),
            [AuthorisationStatus.UnderReview] = Set(AuthorisationStatus.Approved, AuthorisationStatus.ConditionallyApproved,
                AuthorisationStatus.Rejected, AuthorisationStatus.Withdrawn),
            [AuthorisationStatus.Approved] = Set(AuthorisationStatus.Suspended, AuthorisationStatus.Withdrawn),
            [AuthorisationStatus.ConditionallyApproved] = Set(AuthorisationStatus.Approved, AuthorisationStatus.Suspended, AuthorisationStatus.Withdrawn),
            [AuthorisationStatus.Suspended] = Set(AuthorisationStatus.Approved, AuthorisationStatus.ConditionallyApproved, AuthorisationStatus.Withdrawn),
            [AuthorisationStatus.Rejected] = Set(),
            [AuthorisationStatus.Withdrawn] = Set(),
            [AuthorisationStatus.Expired] = Set(),
        }.ToFrozenDictionary();

    /// <summary>Rejected, withdrawn or expired: nothing changes any more.</summary>
    public static bool IsFinal(AuthorisationStatus status) =>
        status is AuthorisationStatus.Rejected or AuthorisationStatus.Withdrawn or AuthorisationStatus.Expired;

    /// <summary>Approved or conditionally approved under a pathway that allows use; dates and scope aside.</summary>
    [JsonIgnore]
    public bool AllowsUseInPrinciple => IsApproval(Status) && AllowsUse(Pathway);

    /// <summary>What the usage rules need of it (<see cref="UsageRules.ReasonsAgainst"/>).</summary>
    [JsonIgnore]
    public AuthorisationTerms Terms => new(AuthorisationId, ProductId, Jurisdiction, Pathway, Status, Scope, ReferenceAuthorisationId, EffectiveOn, ExpiresOn);

    /// <summary>Whether it allows use on <paramref name="day"/> as far as its own dates go: from <see cref="EffectiveOn"/> to <see cref="ExpiresOn"/>, both included.</summary>
    public bool IsInForceOn(DateOnly day) => EffectiveOn is { } from && from <= day && (ExpiresOn is not { } last || day <= last);

    /// <summary>
    /// Whether it allows use on <paramref name="day"/> for someone, as the matrix shows it: an
    /// approval under a pathway that allows use, in force that day, and, for a reliance, only
    /// while its reference decision does the same (other pathways have none to check).
    /// </summary>
    /// <param name="reference">The authorisation named by <see cref="ReferenceAuthorisationId"/>; null when none is named or it is not tracked.</param>
    public bool IsUsableOn(DateOnly day, Authorisation? reference) =>
        AllowsUseInPrinciple && IsInForceOn(day)
        && (ReferenceAuthorisationId is null || (reference is not null && reference.AllowsUseInPrinciple && reference.IsInForceOn(day)));

    /// <summary>Whether <paramref name="authority"/> decides in <paramref name="jurisdiction"/>: a listed agency at home only, NATIONAL everywhere else.</summary>
    public static bool DecidesFor(Authority authority, string jurisdiction) =>
        HomeOf(authority) is { } home ? home == jurisdiction : !Homes.ContainsValue(jurisdiction);

    private static readonly Dictionary<Authority, string> Homes = new()
    {
        [Authority.Fda] = "US",
        [Authority.Ema] = "EU",
        [Authority.Pmda] = "JP",
        [Authority.Mfds] = "KR",
        [Authority.Nmpa] = "CN",
        [Authority.Cdsco] = "IN",
    };

    private static string? HomeOf(Authority authority) => Homes.GetValueOrDefault(authority);

    /// <summary>What <see cref="IsJurisdiction"/> asks of a code, as a field violation says it.</summary>
    public const string JurisdictionRule = "must be an ISO 3166-1 alpha-2 code in upper case (e.g. KZ) or EU";

    /// <summary>An ISO 3166-1 alpha-2 code in upper case, or EU.</summary>
    public static bool IsJurisdiction(string? code) => code is "EU" || (code is { Length: 2 } && code.All(char.IsAsciiLetterUpper));

    public static string IdOf(string productId, string jurisdiction, Pathway pathway) => $"{productId}.{jurisdiction}.{pathway}";

    /// <summary>
    /// Starts tracking an authorisation in the PLANNED status. Its id is derived from
    /// product, jurisdiction and pathway, so the same triple cannot be tracked twice.
    /// Whether the product is in the catalogue, and a reliance's reference tracked, is the
    /// use case's check.
    /// </summary>
    /// <exception cref="InvalidArgumentException">Every bad field at once, named as in the contract.</exception>
    public static Authorisation Record(string productId, string jurisdiction, Authority? authority, Pathway? pathway,
        ScopeInput? scope, string? referenceAuthorisationId, DateTimeOffset now)
    {
        var validator = new Validator()
            .Slug(productId, "product_id")
            .Check(IsJurisdiction(jurisdiction), "jurisdiction", JurisdictionRule)
            .Check(authority is not null && Enum.IsDefined(authority.Value), "authority", "must be one of the listed authorities")
            .Check(pathway is not null && Enum.IsDefined(pathway.Value), "pathway", "must be one of the listed pathways");
        if (authority is { } named && Enum.IsDefined(named) && IsJurisdiction(jurisdiction))
        {
            validator.Check(DecidesFor(named, jurisdiction), "authority", HomeOf(named) is { } home
                ? $"decides for {home} only; use NATIONAL for {jurisdiction}'s own agency"
                : $"NATIONAL is {jurisdiction}'s own agency; {jurisdiction} has a listed authority of its own");
        }
        var knownPathway = pathway is { } p && Enum.IsDefined(p) ? p : (Pathway?)null;
        var checkedScope = ScopeRules.Check(scope, knownPathway, validator);
        var reference = referenceAuthorisationId?.Trim() ?? "";
        if (knownPathway == Pathway.Reliance)
        {
            validator
                .Check(reference.Length > 0, "reference_authorisation_id", "is required for a reliance: the reference authority's authorisation it relies on")
                .MaxLength(reference, MaxReferenceLength, "reference_authorisation_id")
                .Check(reference != IdOf(productId, jurisdiction, Pathway.Reliance), "reference_authorisation_id", "cannot name this authorisation itself");
        }
        else if (knownPathway is not null)
        {
            validator.Check(reference.Length == 0, "reference_authorisation_id", "must be empty: only a reliance names a reference authorisation");
        }
        validator.ThrowIfInvalid();
        return new Authorisation(IdOf(productId, jurisdiction, knownPathway!.Value), productId, jurisdiction, authority!.Value, knownPathway.Value,
            AuthorisationStatus.Planned, now, checkedScope!, reference.Length == 0 ? null : reference, null, null, null, null, null);
    }

    /// <summary>
    /// Moves the authorisation one step along its lifecycle (see the remarks for the steps
    /// and the order of checks). Dates each target takes:
    /// SUBMITTED: <c>submitted_on</c> (required, not in the future).
    /// APPROVED, CONDITIONALLY_APPROVED from UNDER_REVIEW: <c>decided_on</c> (required, not in
    /// the future, not before <c>submitted_on</c>); <c>effective_on</c> (the decision day when
    /// empty, not before it); <c>expires_on</c> (none when empty, not before the effective day).
    /// APPROVED from CONDITIONALLY_APPROVED: a new <c>decided_on</c> (required, not in the
    /// future, not before the conditional decision); <c>effective_on</c> and <c>expires_on</c>
    /// keep their values when empty, and a given <c>effective_on</c> is not before the new decision.
    /// REJECTED: <c>decided_on</c> as for an approval. Every other step takes no date.
    /// A suspension remembers the status in <see cref="SuspendedFrom"/>; a reinstatement or a
    /// withdrawal clears it.
    /// </summary>
    /// <param name="target">Null when the request says UNSPECIFIED (or a number the domain does not know).</param>
    /// <param name="today">The caller's calendar day: no submission or decision may be dated after it.</param>
    /// <exception cref="InvalidArgumentException">No target; a required date missing or malformed; a date out of order; a date the target does not take.</exception>
    /// <exception cref="RuleViolationException">
    /// The step is not allowed from the current status, or the approval's expiry has passed
    /// and the step is not a withdrawal.
    /// </exception>
    public Authorisation ChangeStatus(AuthorisationStatus? target, DateParts? submittedOn, DateParts? decidedOn,
        DateParts? effectiveOn, DateParts? expiresOn, DateOnly today)
    {
        if (target is not { } to || !Enum.IsDefined(to))
        {
            throw new InvalidArgumentException([new FieldViolation("status", "is required: the status to move to")]);
        }
        EnsureCanMove(to, today);

        var validator = new Validator();
        // A reinstatement returns to an approval without a new decision: it takes no date.
        var decision = Status != AuthorisationStatus.Suspended
            && to is AuthorisationStatus.Approved or AuthorisationStatus.ConditionallyApproved or AuthorisationStatus.Rejected;
        var opensWindow = decision && to != AuthorisationStatus.Rejected;
        NotTaken(to != AuthorisationStatus.Submitted, submittedOn, "submitted_on", to, validator);
        NotTaken(!decision, decidedOn, "decided_on", to, validator);
        NotTaken(!opensWindow, effectiveOn, "effective_on", to, validator);
        NotTaken(!opensWindow, expiresOn, "expires_on", to, validator);

        Authorisation next;
        switch (to)
        {
            case AuthorisationStatus.Submitted:
                var submitted = PastDay(submittedOn, "submitted_on", today, validator);
                next = this with { Status = to, SubmittedOn = submitted };
                break;
            case AuthorisationStatus.Approved when Status == AuthorisationStatus.ConditionallyApproved:
                next = ConfirmConditional(decidedOn, effectiveOn, expiresOn, today, validator);
                break;
            case AuthorisationStatus.Approved or AuthorisationStatus.ConditionallyApproved when Status == AuthorisationStatus.UnderReview:
            case AuthorisationStatus.Rejected:
                next = Decide(to, decidedOn, effectiveOn, expiresOn, today, validator);
                break;
            case AuthorisationStatus.Suspended:
                next = this with { Status = to, SuspendedFrom = Status };
                break;
            default:
                // UNDER_REVIEW, WITHDRAWN, and a reinstatement (SUSPENDED back to SuspendedFrom).
                next = this with { Status = to, SuspendedFrom = null };
                break;
        }
        validator.ThrowIfInvalid();
        return next;
    }

    /// <summary>
    /// Replaces the scope (the pathway's institution rules as when recording) and the expiry
    /// (null or empty: no expiry), e.g. for a renewal.
    /// </summary>
    /// <returns>The amended authorisation, or this very one when nothing changes.</returns>
    /// <exception cref="RuleViolationException">It is rejected, withdrawn or expired, or its expiry has passed.</exception>
    /// <exception cref="InvalidArgumentException">Every bad scope field; an expiry that is no calendar day or before <see cref="EffectiveOn"/>.</exception>
    public Authorisation Amend(ScopeInput? scope, DateParts? expiresOn, DateOnly today)
    {
        if (IsFinal(Status))
        {
            throw new RuleViolationException($"Authorisation {AuthorisationId} is {Name(Status)}, which is final: it cannot be amended.");
        }
        if (IsDueToExpire(today))
        {
            throw new RuleViolationException($"Authorisation {AuthorisationId} held until {Text.Day(ExpiresOn!.Value)} and has expired: " +
                "it can no longer be amended or renewed.");
        }
        var validator = new Validator();
        var checkedScope = ScopeRules.Check(scope, Pathway, validator);
        var expires = validator.CalendarDay(expiresOn, "expires_on", required: false);
        if (expires is { } last && EffectiveOn is { } first && last < first)
        {
            validator.Check(false, "expires_on", $"must not be before effective_on ({Text.Day(first)})");
        }
        validator.ThrowIfInvalid();
        var amended = this with { Scope = checkedScope!, ExpiresOn = expires };
        return amended == this ? this : amended;
    }

    /// <summary>Approved or conditionally approved, and <see cref="ExpiresOn"/> (its last valid day) is before <paramref name="today"/>.</summary>
    public bool IsDueToExpire(DateOnly today) =>
        (IsApproval(Status) || Status == AuthorisationStatus.Suspended) && ExpiresOn is { } last && last < today;

    /// <summary>The background job's step to EXPIRED.</summary>
    /// <exception cref="RuleViolationException">It is not <see cref="IsDueToExpire">due to expire</see>.</exception>
    public Authorisation Expire(DateOnly today)
    {
        if (!IsDueToExpire(today))
        {
            var why = !IsApproval(Status) && Status != AuthorisationStatus.Suspended ? $"it is {Name(Status)}, and only an approval (or a suspended one) expires"
                : ExpiresOn is { } last ? $"it holds until {Text.Day(last)}"
                : "it has no expiry";
            throw new RuleViolationException($"Authorisation {AuthorisationId} cannot move from {Name(Status)} to EXPIRED on {Text.Day(today)}: {why}.");
        }
        return this with { Status = AuthorisationStatus.Expired, SuspendedFrom = null };
    }

    /// <summary>Approved or conditionally approved, and its expiry falls within today and the next <paramref name="withinDays"/> days (both ends included).</summary>
    public bool IsRenewalDue(DateOnly today, int withinDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(withinDays);
        return IsApproval(Status) && ExpiresOn is { } last && last >= today && last.DayNumber - today.DayNumber <= withinDays;
    }

    /// <summary>
    /// Every field that differs, in the contract's field order, by its contract path, as text:
    /// dates as yyyy-MM-dd, enums by their contract names (e.g. AUTHORISATION_STATUS_APPROVED),
    /// institutions comma-joined, recorded_at in ISO 8601; an absent value (no date, no
    /// upper age, no reference, not suspended) is empty text. Empty when nothing differs.
    /// </summary>
    public static IReadOnlyList<FieldChange> Diff(Authorisation before, Authorisation after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return [.. FieldTexts
            .Select(f => new FieldChange(f.Field, f.Text(before), f.Text(after)))
            .Where(c => !string.Equals(c.Before, c.After, StringComparison.Ordinal))];
    }

    /// <summary>What a new authorisation holds, as changes from nothing: the history's first entry.</summary>
    public static IReadOnlyList<FieldChange> AsRecorded(Authorisation recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return [.. FieldTexts.Select(f => new FieldChange(f.Field, "", f.Text(recorded))).Where(c => c.After.Length > 0)];
    }

    // Every field by its proto name, as the history shows it.
    private static readonly (string Field, Func<Authorisation, string> Text)[] FieldTexts =
    [
        ("authorisation_id", a => a.AuthorisationId),
        ("product_id", a => a.ProductId),
        ("jurisdiction", a => a.Jurisdiction),
        ("authority", a => Text.ContractName(a.Authority)),
        ("pathway", a => Text.ContractName(a.Pathway)),
        ("status", a => Text.ContractName(a.Status)),
        ("recorded_at", a => Text.Instant(a.RecordedAt)),
        ("scope.indication", a => a.Scope.Indication),
        ("scope.min_age_years", a => Text.Number(a.Scope.MinAgeYears)),
        ("scope.max_age_years", a => Text.Number(a.Scope.MaxAgeYears)),
        ("scope.institution_ids", a => string.Join(",", a.Scope.InstitutionIds)),
        ("reference_authorisation_id", a => a.ReferenceAuthorisationId ?? ""),
        ("submitted_on", a => Text.Day(a.SubmittedOn)),
        ("decided_on", a => Text.Day(a.DecidedOn)),
        ("effective_on", a => Text.Day(a.EffectiveOn)),
        ("expires_on", a => Text.Day(a.ExpiresOn)),
        ("suspended_from", a => a.SuspendedFrom is { } from ? Text.ContractName(from) : ""),
    ];

    /// <summary>A change's reason for the history: trimmed, at most 500 characters, on the field <c>reason</c>.</summary>
    /// <param name="required">Whether an empty reason is a violation (a status change needs one).</param>
    /// <returns>The trimmed reason; empty when none was given.</returns>
    public static string CheckReason(string? reason, bool required, Validator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var trimmed = reason?.Trim() ?? "";
        if (required)
        {
            validator.Required(trimmed, "reason");
        }
        validator.MaxLength(trimmed, MaxReasonLength, "reason");
        return trimmed;
    }

    /// <summary>The status as the contract names it, without its prefix (e.g. CONDITIONALLY_APPROVED), for messages.</summary>
    public static string Name(AuthorisationStatus status) => Text.Snake(status.ToString());

    private void EnsureCanMove(AuthorisationStatus to, DateOnly today)
    {
        var why =
            to == Status ? $"it is {Name(Status)} already"
            : IsFinal(Status) ? $"{Name(Status)} is final"
            : to == AuthorisationStatus.Expired ? "an approval expires by itself once its expires_on has passed"
            : Status == AuthorisationStatus.Suspended && IsApproval(to) && to != SuspendedFrom
                ? $"a reinstatement returns to the status it was suspended from, {(SuspendedFrom is { } from ? Name(from) : "unknown")}"
            : !Transitions[Status].Contains(to)
                ? $"from {Name(Status)} it can move to {string.Join(" or ", NextSteps().Select(Name))} only"
            : to != AuthorisationStatus.Withdrawn && IsDueToExpire(today)
                ? $"it held until {Text.Day(ExpiresOn!.Value)} and has expired, so it can only be withdrawn"
            : null;
        if (why is not null)
        {
            throw new RuleViolationException($"Authorisation {AuthorisationId} cannot move from {Name(Status)} to {Name(to)}: {why}.");
        }
    }

    /// <summary>The statuses this authorisation can move to now, in contract order (a suspended one: back to what it was, or withdrawn).</summary>
    private IEnumerable<AuthorisationStatus> NextSteps() =>
        Transitions[Status].Where(t => Status != AuthorisationStatus.Suspended || !IsApproval(t) || t == SuspendedFrom).Order();

    private Authorisation Decide(AuthorisationStatus to, DateParts? decidedOn, DateParts? effectiveOn, DateParts? expiresOn, DateOnly today, Validator validator)
    {
        var decided = PastDay(decidedOn, "decided_on", today, validator);
        if (decided is { } day && SubmittedOn is { } submitted && day < submitted)
        {
            validator.Check(false, "decided_on", $"must not be before submitted_on ({Text.Day(submitted)})");
        }
        if (to == AuthorisationStatus.Rejected)
        {
            return this with { Status = to, DecidedOn = decided };
        }
        var effective = validator.CalendarDay(effectiveOn, "effective_on", required: false);
        if (effective is { } from && decided is { } decision && from < decision)
        {
            validator.Check(false, "effective_on", "must not be before decided_on");
        }
        effective ??= decided;
        var expires = validator.CalendarDay(expiresOn, "expires_on", required: false);
        if (expires is { } last && effective is { } first && last < first)
        {
            validator.Check(false, "expires_on", "must not be before effective_on (the decision day when empty)");
        }
        return this with { Status = to, DecidedOn = decided, EffectiveOn = effective, ExpiresOn = expires };
    }

    private Authorisation ConfirmConditional(DateParts? decidedOn, DateParts? effectiveOn, DateParts? expiresOn, DateOnly today, Validator validator)
    {
        var decided = PastDay(decidedOn, "decided_on", today, validator);
        if (decided is { } day && DecidedOn is { } conditional && day < conditional)
        {
            validator.Check(false, "decided_on", $"must not be before the conditional approval's decided_on ({Text.Day(conditional)})");
        }
        var givenEffective = validator.CalendarDay(effectiveOn, "effective_on", required: false);
        if (givenEffective is { } from && decided is { } decision && from < decision)
        {
            validator.Check(false, "effective_on", "must not be before decided_on");
        }
        var effective = givenEffective ?? EffectiveOn;
        var givenExpires = validator.CalendarDay(expiresOn, "expires_on", required: false);
        if (givenExpires is { } last && effective is { } first && last < first)
        {
            validator.Check(false, "expires_on", givenEffective is null
                ? $"must not be before effective_on ({Text.Day(first)}, kept)"
                : "must not be before effective_on");
        }
        else if (givenExpires is null && ExpiresOn is { } kept && givenEffective is { } moved && kept < moved)
        {
            validator.Check(false, "effective_on", $"must not be after expires_on ({Text.Day(kept)}, kept)");
        }
        return this with
        {
            Status = AuthorisationStatus.Approved,
            DecidedOn = decided,
            EffectiveOn = effective,
            ExpiresOn = givenExpires ?? ExpiresOn,
        };
    }

    private static void NotTaken(bool notTaken, DateParts? parts, string field, AuthorisationStatus to, Validator validator)
    {
        if (notTaken && parts is not (null or { Year: 0, Month: 0, Day: 0 }))
        {
            validator.Check(false, field, $"is not taken when moving to {Name(to)}");
        }
    }

    /// <summary>A whole calendar day not after today, or null with a violation on <paramref name="field"/>.</summary>
    private static DateOnly? PastDay(DateParts? parts, string field, DateOnly today, Validator validator)
    {
        var day = validator.CalendarDay(parts, field);
        if (day > today)
        {
            validator.Check(false, field, "must not be in the future");
            return null;
        }
        return day;
    }

    private static FrozenSet<AuthorisationStatus> Set(params AuthorisationStatus[] statuses) => statuses.ToFrozenSet();
}
