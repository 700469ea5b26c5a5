using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Institutions;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.ReadModels;

namespace CarTConsortium.Slots.Storage;

/// <summary>
/// Everything slots' store needs to know: each collection's name (stored data depends on it:
/// never rename one) and the index keys the use cases query by.
/// </summary>
public static class SlotsCollections
{
    public static readonly Collection<ManufacturingRun> Runs = new("capacity",
        (IndexKeys.SiteId, r => r.SiteId),
        (IndexKeys.ProductId, r => r.ProductId),
        // The fair-share period (a calendar month) of the run, per site: what the ledger sums.
        (IndexKeys.SitePeriod, r => $"{r.SiteId}/{Period.Of(r.RunStart)}"),
        // What allocation reads: the product's bookable runs by start month (see BookableRuns).
        (IndexKeys.BookableMonth, BookableRuns.MonthBucketOf),
        (IndexKeys.BookableFar, BookableRuns.FarBucketOf));

    public static readonly Collection<Booking> Bookings = new("bookings",
        (IndexKeys.CapacityId, b => b.CapacityId),
        (IndexKeys.SiteId, b => b.SiteId),
        (IndexKeys.TreatingInstitution, b => b.TreatingInstitutionId),
        (IndexKeys.Pseudonym, b => b.Pseudonym),
        (IndexKeys.Status, b => b.Status.ToString()),
        // What an authorisation's change affects: the product where the treating institution is.
        (IndexKeys.ProductCountry, b => ProductCountryOf(b.ProductId, b.PatientCountry)),
        // The same for bookings holding a place only: what a change of authorisation may flag.
        (IndexKeys.ActiveProductCountry, b => b.IsActive ? ProductCountryOf(b.ProductId, b.PatientCountry) : null),
        // Bookings holding a place in a run: what closing it must not strand.
        (IndexKeys.ActiveCapacity, b => b.IsActive ? b.CapacityId : null),
        // Held bookings by the hour their hold runs out: what housekeeping reads (see DueHolds).
        (IndexKeys.HeldDue, DueHolds.DueHourOf),
        // What the hold limits count (InstitutionHolds): an institution's bookings holding a place, and those of them still unconfirmed.
        // Keys of their own, as the shared treating_institution and status keys also index every patient and decision of the institution.
        (IndexKeys.HoldingInstitution, b => b.IsActive ? b.TreatingInstitutionId : null),
        (IndexKeys.HeldInstitution, b => b.Status == BookingStatus.Held ? b.TreatingInstitutionId : null));

    /// <summary>One document per patient, keyed by pseudonym.</summary>
    public static readonly Collection<PatientClaim> PatientClaims = new("patient_claims");

    public static readonly Collection<WaitlistEntry> Waitlist = new("waitlist",
        (IndexKeys.ProductId, e => e.ProductId),
        (IndexKeys.Status, e => e.Status.ToString()),
        (IndexKeys.TreatingInstitution, e => e.TreatingInstitutionId),
        // Waiting entries only, by product, by product and latest-start month, and by the day their window passes (see WaitingEntries).
        (IndexKeys.WaitingProduct, WaitingEntries.ProductOf),
        (IndexKeys.WaitingLatest, WaitingEntries.LatestBucketOf),
        (IndexKeys.WaitingDue, WaitingEntries.DueDayOf));

    /// <summary>One secret seed per lottery period, keyed by the period ("yyyy-MM"): never shown before the period has closed.</summary>
    public static readonly Collection<LotterySeed> LotterySeeds = new("lottery_seeds");

    /// <summary>One draw per patient and product, keyed by <see cref="LotteryDraw.MessageOf"/>.</summary>
    public static readonly Collection<LotteryDraw> LotteryDraws = new("lottery_draws");

    /// <summary>One document per site and period, keyed by <see cref="PeriodLedger.IdOf"/>.</summary>
    public static readonly Collection<PeriodLedger> PeriodLedgers = new("period_ledgers", (IndexKeys.SiteId, l => l.SiteId));

    /// <summary>One document per treating institution, keyed by its id: what every new hold of the institution commits against.</summary>
    public static readonly Collection<InstitutionHoldGuard> InstitutionHoldGuards = new("institution_hold_guards");

    /// <summary>Keyed by the request id.</summary>
    public static readonly Collection<AllocationDecision> AllocationDecisions = new("allocation_decisions",
        (IndexKeys.TreatingInstitution, d => d.TreatingInstitutionId),
        // The month the request was made in: what the urgency report reads.
        (IndexKeys.RequestPeriod, d => Period.Of(DateOnly.FromDateTime(d.DecidedAt.UtcDateTime))),
        // The same by site: what a site's own urgency report reads, not every site's requests.
        (IndexKeys.SiteRequestPeriod, d => d.SiteId is { } site ? SiteRequestPeriodOf(site, Period.Of(DateOnly.FromDateTime(d.DecidedAt.UtcDateTime))) : null));

    /// <summary>One document, <see cref="HoldSweepMark.Id"/>: the day the last complete round of lapsing holds reached.</summary>
    public static readonly Collection<HoldSweepMark> HoldSweepMarks = new("hold_sweep_marks");

    /// <summary>One document, <see cref="WaitlistSweepMark.Id"/>: the day the last complete round of lapsing waiting entries reached.</summary>
    public static readonly Collection<WaitlistSweepMark> WaitlistSweepMarks = new("waitlist_sweep_marks");

    public static readonly Collection<KnownProduct> KnownProducts = new("known_products");

    public static readonly Collection<KnownInstitution> KnownInstitutions = new("known_institutions", (IndexKeys.Country, i => i.CountryCode));

    /// <summary>Keyed by the registry's id for the pair of countries (see <see cref="AgreementIdOf"/>).</summary>
    public static readonly Collection<KnownAgreement> KnownAgreements = new("known_agreements");

    public static readonly Collection<KnownPatient> KnownPatients = new("known_patients", (IndexKeys.TreatingInstitution, p => p.IsEnrolled ? p.TreatingInstitutionId : null));

    public static readonly Collection<KnownAuthorisation> KnownAuthorisations = new("known_authorisations",
        (IndexKeys.ProductId, a => a.Terms.ProductId),
        (IndexKeys.Jurisdiction, a => a.Terms.Jurisdiction));

    /// <summary>The <see cref="IndexKeys.SiteRequestPeriod"/> value of a site's requests in a month ("yyyy-MM").</summary>
    public static string SiteRequestPeriodOf(string siteId, string period) => $"{siteId}/{period}";

    /// <summary>The <see cref="IndexKeys.ProductCountry"/> value of a product in a country.</summary>
    public static string ProductCountryOf(string productId, string country) => $"{productId}/{country}";

    /// <summary>The registry's id for the agreement of two countries: the codes in order, e.g. "KG-KZ".</summary>
    public static string AgreementIdOf(string a, string b) => string.CompareOrdinal(a, b) < 0 ? $"{a}-{b}" : $"{b}-{a}";
}

/// <summary>The index keys of slots' collections (stored with the documents: never rename one).</summary>
public static class IndexKeys
{
    public const string CapacityId = "capacity_id";
    public const string SiteId = "site_id";
    public const string ProductId = "product_id";
    public const string SitePeriod = "site_period";
    public const string TreatingInstitution = "treating_institution";
    public const string Pseudonym = "pseudonym";
    public const string Status = "status";
    public const string ProductCountry = "product_country";
    public const string Country = "country";
    public const string Jurisdiction = "jurisdiction";
    public const string RequestPeriod = "request_period";
    public const string BookableMonth = "bookable_month";
    public const string BookableFar = "bookable_far";
    public const string ActiveProductCountry = "active_product_country";
    public const string ActiveCapacity = "active_capacity";
    public const string HeldDue = "held_due";
    public const string SiteRequestPeriod = "site_request_period";
    public const string WaitingProduct = "waiting_product";
    public const string WaitingLatest = "waiting_latest";
    public const string WaitingDue = "waiting_due";
    public const string HoldingInstitution = "holding_institution";
    public const string HeldInstitution = "held_institution";
}
