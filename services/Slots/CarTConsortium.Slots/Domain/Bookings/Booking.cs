using System.Collections.Frozen;
using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;

namespace CarTConsortium.Slots.Domain.Bookings;

/// <summary>What a new hold is made of: the run, the patient at its treating institution, and the request it answers.</summary>
/// <param name="PatientCountry">The treating institution's country.</param>
public sealed record HoldTerms(string CapacityId, string SiteId, string ProductId, DateOnly RunStart, string Pseudonym, string PatientCountry,
    string TreatingInstitutionId)
{
    public UrgencyClass Urgency { get; init; } = UrgencyClass.Standard;

    public string Indication { get; init; } = "";

    public string RequestId { get; init; } = "";

    /// <summary>The waitlist entry the hold is offered to; none for a hold the hospital asked for.</summary>
    public string? WaitlistEntryId { get; init; }

    /// <summary>The site's country, from the registry.</summary>
    public string SiteCountry { get; init; } = "";

    /// <summary>Why the hospital declared an emergency; only for <see cref="UrgencyClass.Emergency"/>.</summary>
    public string? EmergencyJustification { get; init; }
}

/// <summary>
/// A manufacturing run booked for one patient, and the chain of custody of every step it
/// took. One document per booking. The booking knows its lifecycle only: the rules about
/// capacity, authorisations and agreements are the use cases' to check before
/// <see cref="Hold"/> and confirmation.
/// </summary>
/// <param name="Pseudonym">The registry's pseudonym of the patient; shown only to the treating hospital and the site.</param>
/// <param name="HoldExpiresAt">When an unconfirmed hold lapses; kept after confirmation as a record of the hold.</param>
/// <param name="Custody">Every step in the order taken, starting with the hold.</param>
/// <param name="EmergencyJustification">Why the hospital declared an emergency: seen by the treating hospital, the site and admins (<see cref="BookingAccess.MayFollow"/>).</param>
public sealed partial record Booking(
    string BookingId,
    string CapacityId,
    string SiteId,
    string ProductId,
    DateOnly RunStart,
    string Pseudonym,
    string PatientCountry,
    string TreatingInstitutionId,
    BookingStatus Status,
    DateTimeOffset? HoldExpiresAt,
    IReadOnlyList<CustodyStep> Custody,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    UrgencyClass Urgency = UrgencyClass.Standard,
    string Indication = "",
    string RequestId = "",
    string? WaitlistEntryId = null,
    IReadOnlyList<BookingFlag>? Flags = null,
    string SiteCountry = "",
    string? EmergencyJustification = null)
{
    public const int MaxNoteLength = 500;

    /// <summary>Who the custody names when the platform itself lets a hold lapse.</summary>
    public const string PlatformSubject = "slots:hold-expiry";

    public const string PlatformClientId = "slots";

    /// <summary>Flags raised on the booking, oldest first.</summary>
    public IReadOnlyList<BookingFlag> RaisedFlags => Flags ?? [];

    /// <summary>Whether the patient may still be moved to another run: the cells are not in manufacturing yet.</summary>
    public bool IsMovable => IsActive && !IsManufactured;

    /// <summary>
    /// The lifecycle: from each status, the statuses it may become. Terminal statuses map to
    /// the empty set. Held becomes Expired only through <see cref="Lapse"/>, never through
    /// <see cref="Advance"/> (<see cref="IsSetByThePlatformOnly"/>).
    /// </summary>
    public static IReadOnlyDictionary<BookingStatus, IReadOnlySet<BookingStatus>> Steps { get; } = new Dictionary<BookingStatus, IReadOnlySet<BookingStatus>>
    {
        [BookingStatus.Held] = Set(BookingStatus.Confirmed, BookingStatus.Cancelled, BookingStatus.Expired),
        [BookingStatus.Confirmed] = Set(BookingStatus.ApheresisShipped, BookingStatus.Cancelled),
        [BookingStatus.ApheresisShipped] = Set(BookingStatus.ApheresisReceived, BookingStatus.Cancelled),
        [BookingStatus.ApheresisReceived] = Set(BookingStatus.InManufacturing, BookingStatus.Cancelled),
        [BookingStatus.InManufacturing] = Set(BookingStatus.Released, BookingStatus.ManufacturingFailed),
        // A released product may still not be infused (the patient's condition changed): cancelling ends the booking, the line stays used.
        [BookingStatus.Released] = Set(BookingStatus.Shipped, BookingStatus.Cancelled),
        [BookingStatus.Shipped] = Set(BookingStatus.Infused, BookingStatus.Cancelled),
        [BookingStatus.Infused] = Set(),
        [BookingStatus.Cancelled] = Set(),
        [BookingStatus.ManufacturingFailed] = Set(),
        [BookingStatus.Expired] = Set(),
    }.ToFrozenDictionary();

    private static FrozenSet<BookingStatus> Set(params BookingStatus[] statuses) => statuses.ToFrozenSet();

    /// <summary>Whether the booking holds a place in its run: from the hold until the product is shipped.</summary>
    public bool IsActive => HoldsPlace(Status);

    /// <summary>Whether a booking in <paramref name="status"/> holds a place in its run: from the hold until the product is shipped.</summary>
    public static bool HoldsPlace(BookingStatus status) => status is BookingStatus.Held or BookingStatus.Confirmed or BookingStatus.ApheresisShipped
        or BookingStatus.ApheresisReceived or BookingStatus.InManufacturing or BookingStatus.Released or BookingStatus.Shipped;

    /// <summary>Whether manufacturing has begun (whatever came of it): the patient's cells are in the process or spent.</summary>
    public bool IsManufactured => Status is BookingStatus.InManufacturing or BookingStatus.Released or BookingStatus.Shipped
        or BookingStatus.Infused or BookingStatus.ManufacturingFailed;

    /// <summary>Whether the booking is an unconfirmed hold whose time is up at <paramref name="now"/>.</summary>
    public bool IsLapsedAt(DateTimeOffset now) => Status == BookingStatus.Held && HoldExpiresAt is { } expires && now >= expires;

    /// <summary>A new hold on a run for a patient, lapsing <paramref name="holdFor"/> after <paramref name="now"/>.</summary>
    /// <param name="holdFor">The configured hold time; a configuration value, not caller input.</param>
    public static Booking Hold(string bookingId, HoldTerms terms, TimeSpan holdFor, Caller caller, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(bookingId);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(holdFor, TimeSpan.Zero);
        new Validator()
            .Required(terms.CapacityId, "capacity_id")
            .MaxLength(terms.CapacityId, 100, "capacity_id")
            .Slug(terms.SiteId, "site_id")
            .Slug(terms.ProductId, "product_id")
            .Check(IsPseudonym(terms.Pseudonym), "pseudonym",
                "must be a registry pseudonym: a country code and four groups of four Crockford base-32 characters, e.g. KZ-7Q2M-0XK1-R9TB-4HCW")
            .CountryCode(terms.PatientCountry, "patient_country")
            .Slug(terms.TreatingInstitutionId, "treating_institution_id")
            .ThrowIfInvalid();
        var step = StepBy(caller, BookingStatus.Held, terms.WaitlistEntryId is null ? null : $"offered from waitlist entry {terms.WaitlistEntryId}", now);
        return new Booking(bookingId, terms.CapacityId, terms.SiteId, terms.ProductId, terms.RunStart, terms.Pseudonym, terms.PatientCountry,
            terms.TreatingInstitutionId, BookingStatus.Held, now + holdFor, [step], now, now, terms.Urgency, terms.Indication, terms.RequestId,
            terms.WaitlistEntryId, SiteCountry: terms.SiteCountry, EmergencyJustification: terms.EmergencyJustification);
    }

    /// <summary>
    /// The booking after one step of its lifecycle, recorded in the custody with
    /// <paramref name="caller"/> and <paramref name="now"/>. An illegal step is
    /// FAILED_PRECONDITION and changes nothing. Whether the caller may take the step is
    /// <see cref="MayTake(Caller, Booking, BookingStatus, out string)"/>'s to say, before this.
    /// </summary>
    public Booking Advance(BookingStatus to, Caller caller, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(caller);
        new Validator().MaxLength(note, MaxNoteLength, "note").ThrowIfInvalid();
        RefuseSettingByHand(to);
        if (!Steps[Status].Contains(to))
        {
            throw new RuleViolationException($"Booking {BookingId} is {Status}; it cannot become {to}.");
        }
        if (to == BookingStatus.Confirmed && IsLapsedAt(now))
        {
            throw new RuleViolationException($"Booking {BookingId}: the hold lapsed at {HoldExpiresAt:O}; book the run again.");
        }
        return Become(to, StepBy(caller, to, string.IsNullOrWhiteSpace(note) ? null : note, now), now);
    }

    /// <summary>
    /// Nobody sets a booking to held or expired: a hold comes from booking a run
    /// (<see cref="Hold"/>) and expires by itself (<see cref="Lapse"/>).
    /// </summary>
    public static bool IsSetByThePlatformOnly(BookingStatus status) => status is BookingStatus.Held or BookingStatus.Expired;

    /// <summary>FAILED_PRECONDITION when someone asks to set the booking to a status only the platform sets (<see cref="IsSetByThePlatformOnly"/>).</summary>
    public void RefuseSettingByHand(BookingStatus to)
    {
        if (IsSetByThePlatformOnly(to))
        {
            throw new RuleViolationException($"Booking {BookingId}: nobody sets a booking to {Words(to)}; a hold comes from RequestRun and expires by itself.");
        }
    }

    /// <summary>The hold expired at <paramref name="now"/>, recorded as taken by the platform; FAILED_PRECONDITION unless it has lapsed.</summary>
    public Booking Lapse(DateTimeOffset now)
    {
        if (Status != BookingStatus.Held)
        {
            throw new RuleViolationException($"Booking {BookingId} is {Status}; only a hold can lapse.");
        }
        if (!IsLapsedAt(now))
        {
            throw new RuleViolationException($"Booking {BookingId}: the hold runs until {HoldExpiresAt:O}.");
        }
        return Become(BookingStatus.Expired, new CustodyStep(BookingStatus.Expired, now, PlatformSubject, PlatformClientId, null, "the hold lapsed"), now);
    }

    /// <summary>The booking in another run at the same site, recorded in the custody under its current status; the use case checks the run.</summary>
    public Booking MoveTo(ManufacturingRun run, Caller caller, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(run);
        new Validator().MaxLength(note, MaxNoteLength, "note").ThrowIfInvalid();
        if (!IsMovable)
        {
            throw new RuleViolationException($"Booking {BookingId} is {Status}; only a booking whose cells are not in manufacturing yet can move.");
        }
        if (run.CapacityId == CapacityId)
        {
            throw new RuleViolationException($"Booking {BookingId} is in run {CapacityId} already.");
        }
        if (run.SiteId != SiteId || run.ProductId != ProductId)
        {
            throw new RuleViolationException($"Booking {BookingId} moves only to another run of {ProductId} at {SiteId}.");
        }
        var why = $"moved from run {CapacityId} ({RunStart:yyyy-MM-dd}) to run {run.CapacityId} ({run.RunStart:yyyy-MM-dd})"
            + (string.IsNullOrWhiteSpace(note) ? "" : $": {note.Trim()}");
        return this with { CapacityId = run.CapacityId, RunStart = run.RunStart, Custody = [.. Custody, StepBy(caller, Status, why, now)], UpdatedAt = now };
    }

    /// <summary>The booking with a flag its hospital must look at.</summary>
    public Booking Flag(string kind, string detail, DateTimeOffset now) =>
        this with { Flags = [.. RaisedFlags, new BookingFlag(kind, detail, now)], UpdatedAt = now };

    /// <summary>Whether <paramref name="caller"/> may take the step to <paramref name="to"/>; see the overload for the reason.</summary>
    public static bool MayTake(Caller caller, Booking booking, BookingStatus to) => MayTake(caller, booking, to, out _);

    /// <summary>
    /// Who may take each step: the treating hospital's coordinator confirms, ships the
    /// apheresis, records the infusion and cancels; the site's own accounts receive the
    /// apheresis, manufacture, release, ship, record a failed run and cancel; a consortium
    /// admin cancels. Nobody sets a hold or an expiry by hand. Whether the step is legal from
    /// the booking's status is <see cref="Advance"/>'s to check.
    /// </summary>
    /// <param name="reason">Why the caller may or may not; written for the caller.</param>
    public static bool MayTake(Caller caller, Booking booking, BookingStatus to, out string reason)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(booking);
        var isCoordinator = caller.HasRole(Roles.HospitalCoordinator) && caller.IsOfOrg(booking.TreatingInstitutionId);
        var isSite = caller.HasRole(Roles.ManufacturingSite) && caller.IsOfOrg(booking.SiteId);
        var coordinator = $"the treating hospital's coordinator ({booking.TreatingInstitutionId})";
        var site = $"the manufacturing site ({booking.SiteId})";
        (bool Allowed, string Reason) answer = to switch
        {
            BookingStatus.Held => (false, "a hold is made by booking a run, not by a step"),
            BookingStatus.Expired => (false, "only the platform lets a hold expire, when its time is up"),
            BookingStatus.Confirmed or BookingStatus.ApheresisShipped or BookingStatus.Infused =>
                isCoordinator ? (true, $"{coordinator} records {Name(to)}") : (false, $"only {coordinator} records {Name(to)}"),
            BookingStatus.ApheresisReceived or BookingStatus.InManufacturing or BookingStatus.Released
                or BookingStatus.Shipped or BookingStatus.ManufacturingFailed =>
                isSite ? (true, $"{site} records {Name(to)}") : (false, $"only {site} records {Name(to)}"),
            BookingStatus.Cancelled when isCoordinator => (true, $"{coordinator} may cancel"),
            BookingStatus.Cancelled when isSite => (true, $"{site} may cancel"),
            BookingStatus.Cancelled when caller.IsConsortiumAdmin => (true, "a consortium admin may cancel any booking"),
            BookingStatus.Cancelled => (false, $"only {coordinator}, {site} or a consortium admin may cancel"),
            _ => (false, $"{to} is not a step of a booking"),
        };
        reason = answer.Reason;
        return answer.Allowed;
    }

    /// <summary>A status in words, as messages and the events' change name give it (e.g. "apheresis shipped").</summary>
    public static string Words(BookingStatus status) => status switch
    {
        BookingStatus.ApheresisShipped => "apheresis shipped",
        BookingStatus.ApheresisReceived => "apheresis received",
        BookingStatus.InManufacturing => "in manufacturing",
        BookingStatus.ManufacturingFailed => "manufacturing failed",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Name(BookingStatus status) => status switch
    {
        BookingStatus.Confirmed => "the confirmation",
        BookingStatus.ApheresisShipped => "the apheresis shipment",
        BookingStatus.ApheresisReceived => "the apheresis arrival",
        BookingStatus.InManufacturing => "the start of manufacturing",
        BookingStatus.Released => "the release",
        BookingStatus.Shipped => "the product's shipment",
        BookingStatus.Infused => "the infusion",
        BookingStatus.ManufacturingFailed => "a failed manufacturing run",
        _ => status.ToString(),
    };

    private Booking Become(BookingStatus to, CustodyStep step, DateTimeOffset now) =>
        this with { Status = to, Custody = [.. Custody, step], UpdatedAt = now };

    private static CustodyStep StepBy(Caller caller, BookingStatus status, string? note, DateTimeOffset now) =>
        new(status, now, caller.Subject, caller.ClientId, caller.Org, note);

    /// <summary>Whether <paramref name="value"/> is shaped like a registry pseudonym (a country code and four groups of four Crockford base-32 characters).</summary>
    public static bool IsPseudonym(string? value) => value is not null && PseudonymPattern().IsMatch(value);

    [GeneratedRegex(@"^[A-Z]{2}(-[0-9A-HJKMNP-TV-Z]{4}){4}\z")]
    private static partial Regex PseudonymPattern();
}
