namespace CarTConsortium.Benchmarks;

/// <summary>A demo client of one of the standalone identity providers (services/Standalone/identity/*.json).</summary>
public sealed record DemoIdentity(string ClientId, string Provider)
{
    /// <summary>Every demo client has this secret.</summary>
    public const string Secret = "demo-secret";

    public override string ToString() => ClientId;
}

/// <summary>Who the benchmark acts as, and the demo institutions and product it books with.</summary>
public static class Identities
{
    /// <summary>The Astana children's hospital's coordinator system: requests runs.</summary>
    public static readonly DemoIdentity Hospital = new("kz-astana-childrens-his", "identity-kz");

    /// <summary>The same hospital's clinical records: enrols patients in the registry.</summary>
    public static readonly DemoIdentity Clinician = new("kz-astana-childrens-emr", "identity-kz");

    /// <summary>The Astana manufacturing site's system: publishes capacity.</summary>
    public static readonly DemoIdentity Site = new("kz-ncb-astana-mes", "identity-kz");

    /// <summary>The Tashkent and Bishkek manufacturing sites' systems: publish the release day's capacity beside Astana's.</summary>
    public static readonly DemoIdentity TashkentSite = new("uz-tashkent-cell-lab-mes", "identity-uz");

    public static readonly DemoIdentity BishkekSite = new("kg-bishkek-cell-lab-mes", "identity-kg");

    /// <summary>The consortium's admin: counts bookings per run.</summary>
    public static readonly DemoIdentity Admin = new("consortium-admin", "identity-consortium");

    public static IReadOnlyList<DemoIdentity> All { get; } = [Hospital, Clinician, Site, TashkentSite, BishkekSite, Admin,
        .. BenchmarkSites.Added.Select(site => site.Publisher)];

    /// <summary>
    /// Every manufacturing site of the demo that has a client identity (three), Astana first, then the two the benchmark adds
    /// (<see cref="BenchmarkSites"/>): five, as issue 17's release day asks. Kazakhstan's agreements with Uzbekistan and
    /// Kyrgyzstan (cross-border care and shipment) let the Astana hospital's patients book at all of them.
    /// </summary>
    public static IReadOnlyList<(string SiteId, DemoIdentity Publisher)> Sites { get; } =
        [(SiteId, Site), ("uz-tashkent-cell-lab", TashkentSite), ("kg-bishkek-cell-lab", BishkekSite),
            .. BenchmarkSites.Added.Select(site => (site.SiteId, site.Publisher))];

    public const string Country = "KZ";
    public const string HospitalId = "kz-astana-childrens";
    public const string SiteId = "kz-ncb-astana";
    public const string ProductId = "tisagenlecleucel";
    public const string Indication = "r/r B-ALL";
}
