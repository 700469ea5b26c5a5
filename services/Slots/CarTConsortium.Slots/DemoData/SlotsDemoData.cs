using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Runs;

namespace CarTConsortium.Slots.DemoData;

/// <summary>
/// The standalone platform's demo slots: the academic CD19 product's runs at the three
/// consortium sites over the coming weeks, and a few bookings of the Astana hub's demo
/// patients at different steps. Everything goes through the use cases, as the sites'
/// and the hub's accounts, once the registry's and approvals' demo entities have arrived
/// here by event. Only an empty database gets it.
/// </summary>
internal sealed class SlotsDemoData(IDocumentStore store, TimeProvider clock, PublishRun publishRun, RequestRun requestRun,
    AdvanceBooking advanceBooking)
{
    private const string Product = "ncb-cd19-academic";
    private const string Hub = "kz-astana-childrens";
    private static readonly (string Site, string Country, int Lines, int[] DaysAhead)[] Runs =
    [
        // Astana makes the product every two weeks; Tashkent and Bishkek have taken it over by technology transfer.
        ("kz-ncb-astana", "KZ", 2, [7, 21, 35, 49, 63, 77]),
        ("uz-tashkent-cell-lab", "UZ", 1, [10, 40]),
        ("kg-bishkek-cell-lab", "KG", 1, [12, 42]),
    ];

    public async Task SeedAsync(TimeSpan wait, CancellationToken ct)
    {
        if ((await store.QueryAsync(SlotsCollections.Runs, new DocumentQuery { Limit = 1 }, ct)).Items.Count > 0
            || !await ArrivedAsync(wait, ct))
        {
            return;
        }
        var today = ManufacturingRun.Today(clock.GetUtcNow());
        foreach (var (site, country, lines, daysAhead) in Runs)
        {
            var account = new Caller($"demo:{site}-mes", $"{site}-mes", country, site, new HashSet<string> { Roles.ManufacturingSite });
            foreach (var days in daysAhead)
            {
                await publishRun.ExecuteAsync(new PublishRunCommand(site, Product, DateParts.Of(today.AddDays(days)), 14, lines), account, ct);
            }
        }
        await SeedBookingsAsync(today, ct);
    }

    /// <summary>Three of the hub's patients: one held, one confirmed, one whose cells are in manufacturing.</summary>
    private async Task SeedBookingsAsync(DateOnly today, CancellationToken ct)
    {
        var hospital = new Caller("demo:kz-astana-childrens-his", "kz-astana-childrens-his", "KZ", Hub, new HashSet<string> { Roles.HospitalCoordinator });
        var site = new Caller("demo:kz-ncb-astana-mes", "kz-ncb-astana-mes", "KZ", "kz-ncb-astana", new HashSet<string> { Roles.ManufacturingSite });
        var patients = await store.QueryAllAsync(SlotsCollections.KnownPatients, DocumentQuery.All.WhereKey(IndexKeys.TreatingInstitution, Hub), ct);
        var steps = new[]
        {
            Array.Empty<(Caller, BookingStatus)>(),
            [(hospital, BookingStatus.Confirmed)],
            [(hospital, BookingStatus.Confirmed), (hospital, BookingStatus.ApheresisShipped), (site, BookingStatus.ApheresisReceived), (site, BookingStatus.InManufacturing)],
        };
        var made = 0;
        foreach (var patient in patients.Where(p => p.Value.InRegistry))
        {
            if (made == steps.Length)
            {
                break;
            }
            RequestRunResult outcome;
            try
            {
                outcome = await requestRun.ExecuteAsync(new RequestRunCommand(patient.Id, Product, "r/r B-ALL", UrgencyClass.Urgent, Hub, SiteId: "kz-ncb-astana",
                    NoWaitlist: true), hospital, ct);
            }
            catch (RuleViolationException)
            {
                continue; // E.g. a demo patient past the product's age range.
            }
            if (outcome.Booking is not { } booking)
            {
                continue;
            }
            foreach (var (who, to) in steps[made])
            {
                booking = (await advanceBooking.ExecuteAsync(new AdvanceBookingCommand(booking.Id, to, booking.Version, "demo"), who, ct)).Stored;
            }
            made++;
        }
    }

    /// <summary>Whether the sites, the product, the hub's demo patients and the product's authorisation in KZ have been projected, waiting up to <paramref name="wait"/>.</summary>
    private Task<bool> ArrivedAsync(TimeSpan wait, CancellationToken ct) =>
        BuildingBlocks.Eventing.ReadModels.ArrivedAsync(async attemptCt =>
        {
            var arrived = await store.FindAsync(SlotsCollections.KnownProducts, Product, attemptCt) is not null
                && await store.FindAsync(SlotsCollections.KnownAuthorisations, $"{Product}.KZ.HospitalExemption", attemptCt) is not null
                && (await store.QueryAsync(SlotsCollections.KnownPatients, new DocumentQuery { Limit = 1 }.WhereKey(IndexKeys.TreatingInstitution, Hub), attemptCt)).Items.Count > 0;
            foreach (var (site, _, _, _) in Runs)
            {
                arrived &= await store.FindAsync(SlotsCollections.KnownInstitutions, site, attemptCt) is not null;
            }
            return arrived;
        }, wait, ct);
}
