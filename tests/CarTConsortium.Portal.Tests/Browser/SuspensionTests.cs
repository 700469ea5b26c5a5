using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Testing;
using Microsoft.Playwright;
using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>
/// Across roles: the KZ regulatory officer suspends a product's authorisation in the portal, approvals
/// publishes the change, slots flags the bookings that relied on it, and the KZ coordinator sees the
/// booking flagged. The booking is a fresh one of a product nothing else here books, and the
/// authorisation is reinstated at the end (through the API too if the test failed half-way), so the
/// other tests on this platform never see it suspended.
/// </summary>
[Collection(OfficerPagesCollection.Name)]
public sealed class SuspensionTests(PortalPlatform portal) : BrowserTest(portal)
{
    // KZ relies on the EMA's approval of tisagenlecleucel: its only authorisation there (demo data).
    private const string Product = "tisagenlecleucel";
    private const string Site = "kz-ncb-astana";
    private const string Hospital = "kz-astana-childrens";

    [Fact]
    public async Task A_kz_regulator_suspends_an_authorisation_and_the_kz_coordinators_booking_of_it_shows_as_flagged()
    {
        var bookingId = await BookFreshRunAsync();
        var regulator = new ApprovalsService.ApprovalsServiceClient(await Portal.AsClientAsync("identity-kz", "kz-moh-regulatory"));
        var authorisation = (await regulator.ListAuthorisationsAsync(new ListAuthorisationsRequest { ProductId = Product, Jurisdiction = "KZ", Status = AuthorisationStatus.Approved }))
            .Authorisations.Single();
        try
        {
            await InBrowserAsync(async page =>
            {
                await page.GotoAsync($"approvals/authorisations/{authorisation.AuthorisationId}");
                await SignInAsync(page, "kz", "kz.regulatory");
                await Assertions.Expect(page.GetByTestId("authorisation-status")).ToHaveTextAsync("Approved");

                await ChangeStatusAsync(page, AuthorisationStatus.Suspended, "Batch release under investigation");
                await Assertions.Expect(page.GetByTestId("authorisation-status")).ToContainTextAsync("Suspended");

                // The coordinator, in a browser of their own, while the regulator's page stays open.
                await InBrowserAsync(async coordinator =>
                {
                    await coordinator.GotoAsync($"bookings/{bookingId}");
                    await SignInAsync(coordinator, "kz", "kz.coordinator");
                    await Assertions.Expect(coordinator.GetByTestId("booking-status")).ToBeVisibleAsync();
                    // Approvals publishes the change and slots flags the booking a moment later: reload until the flag is there.
                    await Eventually.SucceedsAsync(async () =>
                    {
                        await coordinator.ReloadAsync();
                        await Assertions.Expect(coordinator.GetByTestId("flags")).ToBeVisibleAsync(new() { Timeout = 2_000 });
                        return true;
                    }, timeoutSeconds: 30);
                    await Assertions.Expect(coordinator.GetByTestId("flags")).ToContainTextAsync(authorisation.AuthorisationId);
                    await Assertions.Expect(coordinator.GetByTestId("flags")).ToContainTextAsync("suspended");
                    await coordinator.ScreenshotAsync(new PageScreenshotOptions { Path = ReadmePicture("portal-flagged-booking.png"), FullPage = true });

                    // The list of bookings marks it too, in words for a screen reader.
                    await coordinator.GetByRole(AriaRole.Link, new() { Name = "Bookings", Exact = true }).ClickAsync();
                    var row = coordinator.GetByTestId("bookings").Locator("tr", new() { Has = coordinator.Locator($"a[href='bookings/{bookingId}']") });
                    await Assertions.Expect(row.GetByTestId("flagged")).ToContainTextAsync("flagged");

                    // The coordinator's home page, for the README: their work, and everyone's.
                    await coordinator.GetByRole(AriaRole.Link, new() { Name = "CAR-T Consortium portal" }).ClickAsync();
                    await Assertions.Expect(coordinator.GetByTestId("home-coordinator")).ToBeVisibleAsync();
                    await Assertions.Expect(coordinator.GetByTestId("api-reference")).ToHaveAttributeAsync("href", new Uri(Portal.Platform.GatewayHttp, "api-docs").ToString());
                    await coordinator.ScreenshotAsync(new PageScreenshotOptions { Path = ReadmePicture("portal-home.png"), FullPage = true });
                }, nameof(A_kz_regulator_suspends_an_authorisation_and_the_kz_coordinators_booking_of_it_shows_as_flagged) + "-coordinator");

                // Reinstated from the regulator's page: back to the status it was suspended from, no new decision.
                await ChangeStatusAsync(page, AuthorisationStatus.Approved, "Investigation closed");
                await Assertions.Expect(page.GetByTestId("authorisation-status")).ToHaveTextAsync("Approved");
            });
        }
        finally
        {
            await ReinstateAsync(regulator, authorisation.AuthorisationId);
        }
    }

    private static async Task ChangeStatusAsync(IPage page, AuthorisationStatus status, string reason)
    {
        var form = page.GetByTestId("change-status-form");
        await form.Locator("#change-status").SelectOptionAsync(status.ToString());
        await form.Locator("#change-reason").FillAsync(reason);
        await form.GetByTestId("change-submit").ClickAsync();
    }

    /// <summary>If the test stopped while it was suspended, the API puts it back (the officer's own client).</summary>
    private static async Task ReinstateAsync(ApprovalsService.ApprovalsServiceClient regulator, string authorisationId)
    {
        var now = await regulator.GetAuthorisationAsync(new GetAuthorisationRequest { AuthorisationId = authorisationId });
        if (now.Status == AuthorisationStatus.Suspended)
        {
            await regulator.ChangeStatusAsync(new ChangeStatusRequest
            {
                AuthorisationId = authorisationId,
                Status = AuthorisationStatus.Approved,
                Reason = "reinstated after a failed browser test",
                ExpectedRevision = now.Revision.Version,
            });
        }
    }

    /// <summary>
    /// A run of the product at the Astana hub published for this test, and a new patient of the
    /// hospital held on it through the hospital's own system.
    /// </summary>
    private async Task<string> BookFreshRunAsync()
    {
        var runDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(11);
        var site = new SlotsService.SlotsServiceClient(await Portal.AsClientAsync("identity-kz", "kz-ncb-astana-mes"));
        await site.PublishCapacityAsync(new PublishCapacityRequest { SiteId = Site, ProductId = Product, RunStart = Day(runDay), RunDays = 21, Lines = 1 });

        var pseudonym = await EnrolKzPatientAsync("SUSPEND");

        var hospital = new SlotsService.SlotsServiceClient(await Portal.AsClientAsync("identity-kz", "kz-astana-childrens-his"));
        // The new patient and the new run reach slots by event: ask until the run is held.
        var held = await Eventually.SucceedsAsync(async () =>
        {
            var outcome = await hospital.RequestRunAsync(new RequestRunRequest
            {
                Pseudonym = pseudonym,
                ProductId = Product,
                Indication = "r/r B-ALL",
                Urgency = UrgencyClass.Urgent,
                SiteId = Site,
                EarliestStart = Day(runDay),
                LatestStart = Day(runDay),
                TreatingInstitutionId = Hospital,
                NoWaitlist = true,
            });
            return outcome.Booking ?? throw new InvalidOperationException("Not held: " + outcome.Summary);
        }, timeoutSeconds: 30);
        Assert.NotEmpty(held.BookingId);
        return held.BookingId;
    }

    private static Google.Type.Date Day(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };
}
