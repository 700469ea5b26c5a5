using Microsoft.Playwright;

namespace CarTConsortium.Benchmarks;

/// <summary>A demo user who signs in on a country's (or the consortium's) login page.</summary>
/// <param name="Role">As the table shows it.</param>
/// <param name="Provider">The portal's sign-in choice (data-provider): kz, uz, kg or consortium.</param>
public sealed record PortalUser(string Role, string Provider, string UserName)
{
    /// <summary>Every demo user's password (services/Standalone/identity/*.json).</summary>
    public const string Password = "demo-password";
}

/// <summary>One page measured for one user.</summary>
/// <param name="Path">Relative to the portal, e.g. "bookings"; a page that answers 404 is skipped with a note.</param>
/// <param name="Ready">A CSS selector that matches only once the page's data is shown (a table row, a chart's svg).</param>
/// <param name="Act">What the user does after the page is shown and before its data is (e.g. gives the purpose of a read); measured.</param>
/// <param name="Resolve">Finds the path, signed in, when it names something of the demo data (e.g. the first pool listed); not measured.</param>
public sealed record PortalPage(PortalUser Who, string Path, string Ready, Func<IPage, Task>? Act = null, Func<IPage, Task<string?>>? Resolve = null);

/// <summary>
/// The pages the page benchmark measures: each role's main pages and the statistics, on the demo data.
/// Add a row for a new page; one that answers 404 on this build (not there yet) is skipped with a note.
/// </summary>
public static class PortalPages
{
    public static readonly PortalUser Coordinator = new("coordinator", "kz", "kz.coordinator");
    public static readonly PortalUser Clinician = new("clinician", "kz", "kz.clinician");
    public static readonly PortalUser Site = new("site", "kz", "kz.site");
    public static readonly PortalUser Procurement = new("procurement", "kz", "kz.procurement");
    public static readonly PortalUser Regulator = new("regulator", "kz", "kz.regulatory");
    public static readonly PortalUser Admin = new("admin", "consortium", "admin");

    /// <summary>The statistics: every role may read them; curves drawn (an svg path per curve).</summary>
    private const string Statistics = "svg path.ct-curve";

    public static IReadOnlyList<PortalPage> All { get; } =
    [
        new(Coordinator, "bookings", "[data-testid=bookings] tbody tr"),
        // The registry logs every read with its purpose: the page asks for it (its default kept) before it lists.
        new(Coordinator, "patients", "[data-testid=patients] tbody tr", Act: GivePurposeAsync),
        new(Coordinator, "statistics", Statistics),
        new(Clinician, "clinical/patients", "[data-testid=clinical-patients] tbody tr", Act: GivePurposeAsync),
        new(Clinician, "statistics", Statistics),
        new(Site, "site/runs", "[data-testid=calendar] tbody tr"),
        new(Site, "statistics", Statistics),
        new(Procurement, "procurement", "[data-testid=pool] [data-testid=pool-summary]"),
        new(Procurement, "procurement/pools/{pool}", "[data-testid=pool-summary] [data-testid=pooled-total]", Resolve: FirstPoolAsync),
        new(Procurement, "statistics", Statistics),
        new(Regulator, "approvals", "[data-testid=matrix] td[data-product]"),
        new(Regulator, "statistics", Statistics),
        new(Admin, "admin", "[data-testid=admin-links] li"),
        new(Admin, "admin/institutions", "[data-testid=institutions] tbody tr"),
        new(Admin, "statistics", Statistics),
    ];

    private static Task GivePurposeAsync(IPage page) => page.Locator("[data-testid=purpose-form] button[type=submit]").ClickAsync();

    private static async Task<string?> FirstPoolAsync(IPage page)
    {
        await page.GotoAsync("procurement");
        var link = page.Locator("[data-testid=pool] h2 a").First;
        await link.WaitForAsync();
        return await link.GetAttributeAsync("href");
    }
}
