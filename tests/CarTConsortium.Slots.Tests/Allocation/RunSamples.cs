using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;

namespace CarTConsortium.Slots.Tests.Allocation;

/// <summary>
/// One site in Kazakhstan, one product, and the runs, ledgers, agreements and authorisations
/// the pure allocation tests weigh. Every value is spelled out here once, so a test names
/// only what it changes.
/// </summary>
internal static class RunSamples
{
    public const string Site = "astana-ncb";
    public const string SiteCountry = "KZ";
    public const string Product = "ncb-cd19-academic";
    public const string Indication = "r/r B-ALL";
    public const string KzHospital = "kz-rcch-almaty";
    public const string KgHospital = "kg-nch-bishkek";
    public const string Pseudonym = "KZ-7Q2M-0XK1-R9TB-4HCW";

    /// <summary>The day the rules are asked on, well before the run and its release day.</summary>
    public static readonly DateOnly Today = new(2026, 4, 1);

    public static readonly DateOnly RunStart = new(2026, 4, 20);

    public static readonly DateOnly Cutoff = new(2026, 4, 15);

    public static readonly DateTimeOffset PublishedAt = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>An open run of the product at the site, of <paramref name="lines"/> lines.</summary>
    public static ManufacturingRun Run(string capacityId = "cap-1", int lines = 2, DateOnly? start = null, DateOnly? cutoff = null,
        string site = Site, string product = Product) =>
        new(capacityId, site, product, start ?? RunStart, 12, lines, PublishedAt, cutoff ?? (start ?? RunStart).AddDays(-5), SiteCountry);

    /// <summary>The ledger of the run's period with the run in it and the places the countries hold, one entry a place.</summary>
    public static PeriodLedger LedgerOf(ManufacturingRun run, params string[] takenBy) =>
        takenBy.Aggregate(PeriodLedger.Empty(run.SiteId, run.RunStart).WithRun(run.CapacityId, run.Lines, open: true),
            (ledger, country) => ledger.Take(run.CapacityId, country))
            .WithRun(run.CapacityId, run.Lines, run.IsOpen);

    public static FairnessOptions Shares(int releaseDays = 14, params (string Country, int Percent)[] shares)
    {
        var options = new FairnessOptions { ReleaseDaysBeforeRun = releaseDays };
        foreach (var (country, percent) in shares)
        {
            options.Shares[country] = percent;
        }
        return options;
    }

    /// <summary>KZ 40, UZ 30, KG 20 percent: 10 percent is nobody's.</summary>
    public static FairnessOptions CentralAsia(int releaseDays = 14) => Shares(releaseDays, ("KZ", 40), ("UZ", 30), ("KG", 20));

    /// <summary>A Kazakh patient born in June 2014, treated in Almaty, who consented to cross-border sharing.</summary>
    public static RunRequest KzPatient { get; } =
        new(Pseudonym, Product, Indication, KzHospital, "KZ", 2014, 6, SharedAcrossBorders: true);

    /// <summary>The same patient treated in Bishkek: a run at the Kazakh site is cross-border.</summary>
    public static RunRequest KgPatient { get; } = KzPatient with { TreatingInstitutionId = KgHospital, TreatingCountry = "KG" };

    /// <summary>The product's approved marketing authorisation in <paramref name="country"/>, ages 0 to 25, from 2026-01-01 without expiry.</summary>
    public static AuthorisationTerms Approved(string country = "KZ", string? id = null) =>
        new(id ?? $"{country.ToLowerInvariant()}-ma-1", Product, country, Pathway.MarketingAuthorisation, AuthorisationStatus.Approved,
            new Scope(Indication, 0, 25, []), null, new DateOnly(2026, 1, 1), null);

    /// <summary>KG and KZ agree on shipment with a lead of <paramref name="leadDays"/> days, from 2025-01-01, open-ended.</summary>
    public static CountryAgreement Agreement(int leadDays = 5) =>
        new("KG-KZ", ["KG", "KZ"], CrossBorderCare: true, Shipment: true, leadDays, new DateOnly(2025, 1, 1), null);

    public static RunFacts Facts(ManufacturingRun? run = null, PeriodLedger? ledger = null, CountryAgreement? agreement = null,
        IReadOnlyList<AuthorisationTerms>? authorisations = null, Func<string, AuthorisationTerms?>? byId = null)
    {
        var theRun = run ?? Run();
        return new RunFacts(theRun, ledger ?? LedgerOf(theRun), agreement, authorisations ?? [Approved()], byId ?? (_ => null));
    }
}
