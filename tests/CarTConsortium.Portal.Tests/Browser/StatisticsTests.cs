using Microsoft.Playwright;
using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>The registry statistics in a real browser: the survival curves are drawn, for the consortium and by country.</summary>
[Collection(OfficerPagesCollection.Name)]
public sealed class StatisticsTests(PortalPlatform portal) : BrowserTest(portal)
{
    [Fact]
    public async Task The_statistics_page_draws_overall_and_event_free_survival_curves() => await InBrowserAsync(async page =>
    {
        await page.GotoAsync("statistics");
        await SignInAsync(page, "kz", "kz.regulatory");

        // The consortium as a whole: one overall and one event-free curve, each an svg path.
        await Assertions.Expect(page.Locator("svg path.ct-curve")).ToHaveCountAsync(2);

        await page.Locator("#stats-by").SelectOptionAsync("Country");
        await Assertions.Expect(page.GetByTestId("statistics")).ToHaveAttributeAsync("data-by", "Country");
        var series = page.Locator("svg g.ct-series");
        await Assertions.Expect(series).Not.ToHaveCountAsync(0);
        // A suppressed group is named in the table and never drawn; every drawn group has its path.
        foreach (var group in await page.Locator(".ct-survival-summary tbody tr.ct-suppressed-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.group)"))
        {
            await Assertions.Expect(page.Locator($"svg g.ct-series[data-group='{group}']")).ToHaveCountAsync(0);
        }
        Assert.Equal(await series.CountAsync(), await page.Locator("svg g.ct-series path.ct-curve").CountAsync());

        var picture = ReadmePicture("portal-statistics.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = picture, FullPage = true });
    });
}
