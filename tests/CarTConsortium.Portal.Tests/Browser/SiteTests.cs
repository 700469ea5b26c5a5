using System.Globalization;
using CarTConsortium.Contracts.Slots.V1;
using Microsoft.Playwright;
using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>The Astana manufacturing site's QA manager in a real browser: publishes a run, sees it in the calendar, closes it, reads the fair shares.</summary>
[Collection(OfficerPagesCollection.Name)]
public sealed class SiteTests(PortalPlatform portal) : BrowserTest(portal)
{
    private const string Site = "kz-ncb-astana";
    private const string Product = "ncb-cd19-academic";

    [Fact]
    public async Task A_kz_site_publishes_a_run_sees_it_in_its_week_closes_it_and_opens_the_fair_shares() => await InBrowserAsync(async page =>
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var runDay = today.AddDays(10);
        // Two more runs from the site's manufacturing execution system, so that the calendar has weeks to show
        // (at most the site's 2 registered lines each).
        var mes = new SlotsService.SlotsServiceClient(await Portal.AsClientAsync("identity-kz", "kz-ncb-astana-mes"));
        foreach (var (days, lines) in new[] { (3, 2), (17, 1) })
        {
            await mes.PublishCapacityAsync(new PublishCapacityRequest { SiteId = Site, ProductId = Product, RunStart = Day(today.AddDays(days)), RunDays = 14, Lines = lines });
        }

        await page.GotoAsync("site/runs");
        await SignInAsync(page, "kz", "kz.site");
        await Assertions.Expect(page.GetByTestId("who-roles")).ToHaveTextAsync("Manufacturing site");

        await page.Locator("#publish-product").SelectOptionAsync(Product);
        await page.Locator("#publish-start").FillAsync(Text(runDay));
        await page.Locator("#publish-days").FillAsync("12");
        await page.Locator("#publish-lines").FillAsync("2");
        await page.Locator("#publish-cutoff").FillAsync(Text(runDay.AddDays(-2)));
        await page.GetByTestId("publish-submit").ClickAsync();

        // In the calendar, in the ISO week it starts in, with its lines, places and cut-off.
        var week = $"{ISOWeek.GetYear(runDay.ToDateTime(TimeOnly.MinValue)):D4}-W{ISOWeek.GetWeekOfYear(runDay.ToDateTime(TimeOnly.MinValue)):D2}";
        var row = page.Locator($"[data-testid=calendar] tbody[data-week='{week}'] tr[data-run]", new() { HasText = Text(runDay) });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("[data-figure=lines]")).ToHaveTextAsync("2");
        await Assertions.Expect(row.Locator("[data-figure=booked]")).ToHaveTextAsync("0");
        await Assertions.Expect(row.Locator("[data-figure=free]")).ToHaveTextAsync("2");
        await Assertions.Expect(row.Locator("[data-figure=cutoff]")).ToHaveTextAsync(Text(runDay.AddDays(-2)));
        await Assertions.Expect(page.Locator("[data-testid=calendar] tbody[data-week]")).Not.ToHaveCountAsync(1);

        var picture = ReadmePicture("portal-site.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = picture, FullPage = true });

        await row.GetByTestId("close").ClickAsync();
        await page.Locator("#close-reason").FillAsync("line maintenance");
        await page.GetByTestId("close-submit").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "closed");
        await Assertions.Expect(row.GetByTestId("run-state")).ToHaveTextAsync("Closed");
        var closed = (await mes.ListCapacityAsync(new ListCapacityRequest { SiteId = Site, Page = new() { PageSize = 200 } })).Capacity
            .Single(c => c.RunStart.Equals(Day(runDay)) && c.Lines == 2 && c.RunDays == 12);
        Assert.Equal(CapacityStatus.Closed, closed.Status);

        // The demo bookings at the site, each with the steps the site may take.
        await page.GetByRole(AriaRole.Link, new() { Name = "Site bookings", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("site-bookings").Locator("tbody tr")).Not.ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Fair shares", Exact = true }).First.ClickAsync();
        var shares = page.GetByTestId("fair-shares");
        await Assertions.Expect(shares.Locator("figure svg")).ToBeVisibleAsync();
        await Assertions.Expect(shares.Locator("table tr[data-country=KZ]")).ToHaveCountAsync(1);
        await Assertions.Expect(shares.Locator("table tr[data-row=release]")).ToBeVisibleAsync();
    });

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Google.Type.Date Day(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };
}
