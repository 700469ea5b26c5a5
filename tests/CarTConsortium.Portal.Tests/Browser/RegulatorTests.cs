using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>The KZ regulatory officer in a real browser reads the approvals matrix.</summary>
[Collection(OfficerPagesCollection.Name)]
public sealed class RegulatorTests(PortalPlatform portal) : BrowserTest(portal)
{
    [Fact]
    public async Task A_kz_regulator_reads_the_matrix_with_what_is_usable_today_and_opens_an_authorisations_history() => await InBrowserAsync(async page =>
    {
        await page.GotoAsync("approvals");
        await SignInAsync(page, "kz", "kz.regulatory");

        var matrix = page.GetByTestId("matrix");
        // The demo decisions: KZ relies on the EMA's approval of tisagenlecleucel; UZ's reliance is under review.
        var kz = matrix.Locator("td[data-product=tisagenlecleucel][data-country=KZ]");
        var uz = matrix.Locator("td[data-product=tisagenlecleucel][data-country=UZ]");
        await Assertions.Expect(kz).ToHaveClassAsync(new Regex(@"\bct-usable\b"));
        await Assertions.Expect(uz.Locator("button[data-authorisation]")).ToHaveCountAsync(1);
        await Assertions.Expect(uz).Not.ToHaveClassAsync(new Regex(@"\bct-usable\b"));

        var picture = ReadmePicture("portal-regulator.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = picture, FullPage = true });

        await kz.Locator("button[data-authorisation]").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("authorisation-status")).ToContainTextAsync("Approved");
        await Assertions.Expect(page.GetByTestId("history").Locator("li")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("change-status-form")).ToBeVisibleAsync();
    });
}
