using CarTConsortium.Contracts.Procurement.V1;
using Microsoft.Playwright;
using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>The KZ procurement officer in a real browser: commits to the demo pool, the tier chart's total moves, and UZ's commitment never shows.</summary>
[Collection(OfficerPagesCollection.Name)]
public sealed class ProcurementTests(PortalPlatform portal) : BrowserTest(portal)
{
    [Fact]
    public async Task A_kz_officer_amends_its_commitment_the_pooled_total_moves_and_uzs_commitment_never_appears() => await InBrowserAsync(async page =>
    {
        var admin = new ProcurementService.ProcurementServiceClient(await Portal.AsClientAsync("identity-consortium", "consortium-admin"));
        var demo = (await admin.ListPoolsAsync(new ListPoolsRequest { Status = PoolStatus.Open })).Pools.Single(p => p.ItemId == "lv-cd19-vector-lot");
        var uz = demo.Commitments.Single(c => c.CountryCode == "UZ");
        var kz = demo.Commitments.Single(c => c.CountryCode == "KZ");
        var before = demo.Totals.CommittedVolume;

        await page.GotoAsync("procurement");
        await SignInAsync(page, "kz", "kz.procurement");
        await Assertions.Expect(page.GetByTestId("who-country")).ToHaveTextAsync("KZ");
        var card = page.Locator($"[data-testid=pool-summary][data-pool='{demo.PoolId}']");
        await Assertions.Expect(card.GetByTestId("pooled-total")).ToHaveTextAsync(before.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en")));

        await page.Locator($"a[href='procurement/pools/{demo.PoolId}']").ClickAsync();
        await Assertions.Expect(page.Locator("#commit-quantity")).ToHaveValueAsync(kz.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#commit-quantity").FillAsync((kz.Quantity + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("commit-submit").ClickAsync();

        var after = (before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(page.GetByTestId("pooled-total")).ToHaveTextAsync(after);
        await Assertions.Expect(page.Locator(".ct-volume-table tr[data-figure=committed] td")).ToHaveTextAsync(after);
        await Assertions.Expect(page.Locator(".ct-volume-table tr[data-figure=own] td")).ToHaveTextAsync((kz.Quantity + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var stored = await admin.GetPoolAsync(new GetPoolRequest { PoolId = demo.PoolId });
        Assert.Equal(kz.Quantity + 1, stored.Commitments.Single(c => c.CountryCode == "KZ").Quantity);

        // Nothing of UZ's commitment is on the page: not its budget line, its delivery place, its price, nor a row of its own.
        var html = await page.ContentAsync();
        Assert.DoesNotContain(uz.BudgetReference, html, StringComparison.Ordinal);
        Assert.DoesNotContain(uz.DeliveryInstitutionId, html, StringComparison.Ordinal);
        Assert.DoesNotContain(uz.MaxUnitPrice.Units.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en")), html, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-country=UZ], [data-testid=commitments]")).ToHaveCountAsync(0);

        var picture = ReadmePicture("portal-procurement.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = picture, FullPage = true });
    });
}
