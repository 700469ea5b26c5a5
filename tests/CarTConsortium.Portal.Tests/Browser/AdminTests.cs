using CarTConsortium.Contracts.Registry.V1;
using Microsoft.Playwright;
using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>The consortium admin in a real browser: registers an institution, sees it in the list, then edits it.</summary>
[Collection(OfficerPagesCollection.Name)]
public sealed class AdminTests(PortalPlatform portal) : BrowserTest(portal)
{
    [Fact]
    public async Task The_consortium_admin_registers_an_institution_sees_it_listed_and_edits_it() => await InBrowserAsync(async page =>
    {
        var id = "kz-portal-" + Guid.NewGuid().ToString("N")[..8];
        // Each step waits for a round trip through the gateway; on a busy 2-core machine that can take longer than the 5 s default.
        const float Wait = 20_000;

        await page.GotoAsync("admin");
        await SignInAsync(page, "consortium", "admin");
        await page.Locator("a[href='admin/institutions']").First.ClickAsync();
        var list = page.GetByTestId("institutions");
        await Assertions.Expect(list.Locator("tbody tr")).Not.ToHaveCountAsync(0, new() { Timeout = Wait });

        await page.Locator("#institution-id").FillAsync(id);
        await page.Locator("#institution-name").FillAsync("Karaganda Regional Children's Hospital");
        await page.Locator("#institution-country").SelectOptionAsync("KZ");
        await page.Locator("#institution-kind").SelectOptionAsync(InstitutionKind.ReferralHospital.ToString());
        await page.Locator("#institution-accreditation").SelectOptionAsync(AccreditationStatus.None.ToString());
        await page.GetByTestId("institution-submit").ClickAsync();

        var row = list.Locator($"tr[data-institution='{id}']");
        await Assertions.Expect(row).ToContainTextAsync("Karaganda Regional Children's Hospital", new() { Timeout = Wait });
        await Assertions.Expect(page.GetByTestId("saved")).ToContainTextAsync(id, new() { Timeout = Wait });
        // The new institution is open in the form: edit it (its id no longer changes).
        await Assertions.Expect(page.Locator("#institution-id")).ToHaveAttributeAsync("readonly", "", new() { Timeout = Wait });
        await page.Locator("#institution-name").FillAsync("Karaganda Regional Children's Clinical Hospital");
        await page.Locator("#institution-icu").FillAsync("6");
        await page.GetByTestId("institution-submit").ClickAsync();

        await Assertions.Expect(row).ToContainTextAsync("Karaganda Regional Children's Clinical Hospital", new() { Timeout = Wait });
        var registry = new RegistryService.RegistryServiceClient(await Portal.AsClientAsync("identity-consortium", "consortium-admin"));
        var stored = await registry.GetInstitutionAsync(new GetInstitutionRequest { InstitutionId = id });
        Assert.Equal((6, 2L), (stored.Capabilities.IcuBeds, stored.Revision.Version));

        var picture = ReadmePicture("portal-admin.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = picture, FullPage = true });
    });
}
