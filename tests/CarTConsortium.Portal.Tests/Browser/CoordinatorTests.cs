using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using CarTConsortium.Contracts.Slots.V1;
using Microsoft.Playwright;
using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>
/// The hospital coordinator's job in a real browser: signed in at the Kazakh provider's login
/// page, booking and confirming a run; another country's coordinator refused by the API;
/// the booking flow in Russian.
/// </summary>
public sealed partial class CoordinatorTests(PortalPlatform portal) : BrowserTest(portal), IClassFixture<PortalPlatform>
{
    private const string Product = "ncb-cd19-academic";
    private const string Site = "kz-ncb-astana";
    private const string Hospital = "kz-astana-childrens";
    private const string PortalSignInPath = CarTConsortium.Portal.Session.PortalSignIn.SignInPath;

    [Fact]
    public async Task A_kz_coordinator_signs_in_requests_a_run_sees_it_held_and_confirms_it() => await InBrowserAsync(async page =>
    {
        var runDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(9);
        var site = new SlotsService.SlotsServiceClient(await Portal.AsClientAsync("identity-kz", "kz-ncb-astana-mes"));
        await site.PublishCapacityAsync(new PublishCapacityRequest { SiteId = Site, ProductId = Product, RunStart = Day(runDay), RunDays = 14, Lines = 2 });
        var pseudonym = await EnrolKzPatientAsync("PORTALBOOK");

        // Not signed in: the country choice, the provider's page, then back to the page asked for.
        await page.GotoAsync("patients");
        await SignInAsync(page, "kz", "kz.coordinator");
        Assert.EndsWith("/patients", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("who-country")).ToHaveTextAsync("KZ");
        await Assertions.Expect(page.GetByTestId("who-org")).ToHaveTextAsync(Hospital);
        await Assertions.Expect(page.GetByTestId("who-roles")).ToHaveTextAsync("Hospital coordinator");
        await Assertions.Expect(page.GetByTestId("who-name")).ToHaveTextAsync("Transplant coordinator, Children's hospital, Astana");

        // The institution's patients, read for the purpose the registry logs (booking, the default).
        await page.GetByTestId("purpose-form").Locator("button[type=submit]").ClickAsync();
        var row = page.GetByTestId("patients").Locator("tr", new() { HasText = pseudonym });
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/bookings/new?patient=", StringComparison.Ordinal));

        await Assertions.Expect(page.Locator("#pseudonym")).ToHaveValueAsync(pseudonym);
        await page.Locator("#product").SelectOptionAsync(Product);
        await page.Locator("#urgency").SelectOptionAsync(UrgencyClass.Urgent.ToString());
        await page.Locator("#earliest").FillAsync(runDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.Locator("#latest").FillAsync(runDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.Locator("#site").SelectOptionAsync(Site);
        // The new patient reaches slots by event; until then the service says it does not know it.
        await SubmitUntilAsync(page, page.GetByTestId("outcome"));

        await Assertions.Expect(page.GetByTestId("decisions").Locator("tr.fits")).ToHaveCountAsync(1);
        await page.GetByTestId("open-booking").ClickAsync();
        await page.WaitForURLAsync(new Regex("/bookings/[^/]+$"));
        var bookingId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await Assertions.Expect(page.GetByTestId("booking-status")).ToHaveTextAsync("Held");
        await Assertions.Expect(page.Locator("[data-testid=hold-countdown] [role=timer]")).ToHaveTextAsync(new Regex(@"^1 d \d\d:\d\d:\d\d$"));

        await page.GetByTestId("confirm").ClickAsync();

        await Assertions.Expect(page.GetByTestId("booking-status")).ToHaveTextAsync("Confirmed");
        await Assertions.Expect(page.GetByTestId("custody").Locator("li")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("hold-countdown")).ToHaveCountAsync(0);
        var hospital = new SlotsService.SlotsServiceClient(await Portal.AsClientAsync("identity-kz", "kz-astana-childrens-his"));
        var booking = await hospital.GetBookingAsync(new GetBookingRequest { BookingId = bookingId });
        Assert.Equal((BookingStatus.Confirmed, pseudonym, runDay.Day), (booking.Status, booking.Pseudonym, booking.RunStart.Day));

        // The coordinator's main page, for the README.
        await page.GetByRole(AriaRole.Link, new() { Name = "Bookings", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bookings").GetByText(pseudonym)).ToBeVisibleAsync();
        var picture = ReadmePicture("portal-coordinator.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = picture, FullPage = true });
    });

    [Fact]
    public async Task A_coordinator_of_another_country_cannot_open_a_kz_booking_by_its_url() => await InBrowserAsync(async page =>
    {
        var kzHospital = new SlotsService.SlotsServiceClient(await Portal.AsClientAsync("identity-kz", "kz-astana-childrens-his"));
        var booking = (await kzHospital.ListBookingsAsync(new ListBookingsRequest())).Bookings.First(b => b.Pseudonym.Length > 0);

        await page.GotoAsync($"bookings/{booking.BookingId}");
        await SignInAsync(page, "uz", "uz.coordinator");

        await Assertions.Expect(page.GetByTestId("who-country")).ToHaveTextAsync("UZ");
        await Assertions.Expect(page.Locator("[data-testid=error][data-kind=NotAllowed]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("booking")).ToHaveCountAsync(0);
        var text = await page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain(booking.Pseudonym, text, StringComparison.Ordinal);
        Assert.DoesNotContain(booking.SiteId, text, StringComparison.Ordinal);

        // Signing out ends the session here and at the provider: the page asks for sign-in again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // The provider ends its session only on a POST from its own page: confirm there.
        await page.Locator("#confirm-sign-out").ClickAsync();
        // Through the provider's end-session endpoint and back to the portal's home page (polled: no load event is awaited).
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Portal.Portal.ToString()) + "$"));
        await Assertions.Expect(page.Locator($"main a[href='{PortalSignInPath}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("who-name")).ToHaveCountAsync(0);
        await page.GotoAsync($"bookings/{booking.BookingId}");
        await Assertions.Expect(page.Locator("[data-provider=uz]")).ToBeVisibleAsync();
        Assert.Contains("returnUrl=%2Fbookings%2F", page.Url, StringComparison.Ordinal);
    });

    [Fact]
    public async Task Switching_to_russian_changes_every_visible_string_of_the_booking_flow() => await InBrowserAsync(async page =>
    {
        var kzHospital = new SlotsService.SlotsServiceClient(await Portal.AsClientAsync("identity-kz", "kz-astana-childrens-his"));
        var booking = (await kzHospital.ListBookingsAsync(new ListBookingsRequest { TreatingInstitutionId = Hospital })).Bookings.First(b => b.Status == BookingStatus.Held);
        await page.GotoAsync("bookings/new");
        await SignInAsync(page, "kz", "kz.coordinator");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Request a manufacturing run");

        await page.Locator("a[lang=ru]").ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Запрос производственного цикла");
        await Assertions.Expect(page.Locator("label[for=product]")).ToHaveTextAsync("Препарат");
        await Assertions.Expect(page.Locator("#product option").Nth(1)).ToBeAttachedAsync();
        Assert.Equal("Запрос производственного цикла", await page.TitleAsync());
        await AssertNoEnglishAsync(page);

        await page.Locator("a[href=bookings]").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("bookings")).ToBeVisibleAsync();
        await AssertNoEnglishAsync(page);

        await page.GotoAsync($"bookings/{booking.BookingId}");
        await Assertions.Expect(page.GetByTestId("booking-status")).ToHaveTextAsync("Зарезервировано");
        await Assertions.Expect(page.GetByTestId("confirm")).ToHaveTextAsync("Подтвердить бронирование");
        await Assertions.Expect(page.GetByTestId("custody").Locator("li")).Not.ToHaveCountAsync(0);
        await AssertNoEnglishAsync(page);
    });

    /// <summary>
    /// The page's own words (not the API's data: ids, names, the services' sentences, which are
    /// marked api-text) hold no English string of the portal's resources.
    /// </summary>
    private static async Task AssertNoEnglishAsync(IPage page)
    {
        var text = await page.EvaluateAsync<string>("""
            () => {
              const copy = document.body.cloneNode(true);
              copy.querySelectorAll('.api-text, code, script').forEach(e => e.remove());
              return copy.textContent;
            }
            """);
        Assert.Contains("Выйти", text, StringComparison.Ordinal);
        var english = new ResourceManager("CarTConsortium.Portal.Resources.SharedResource", typeof(SharedResource).Assembly);
        var russian = english.GetResourceSet(CultureInfo.GetCultureInfo("ru"), createIfNotExists: true, tryParents: false)!;
        foreach (System.Collections.DictionaryEntry entry in english.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)!)
        {
            var value = (string)entry.Value!;
            if (value == russian.GetString((string)entry.Key))
            {
                continue; // The same in both languages (e.g. the names of the languages).
            }
            foreach (var fragment in Placeholder().Split(value).Select(f => f.Trim()).Where(f => f.Length >= 4))
            {
                Assert.False(text.Contains(fragment, StringComparison.Ordinal), $"English '{fragment}' ({entry.Key}) is on the Russian page {page.Url}");
            }
        }
    }

    private static async Task SubmitUntilAsync(IPage page, ILocator expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await page.GetByTestId("request-run-form").Locator("button[type=submit]").ClickAsync();
            try
            {
                await Assertions.Expect(expected).ToBeVisibleAsync(new() { Timeout = 1_500 });
                return;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    private static Google.Type.Date Day(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
