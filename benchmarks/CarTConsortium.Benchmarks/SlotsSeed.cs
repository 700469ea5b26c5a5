using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Slots;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Institutions;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Writes slots' history straight into its store with slots' own domain types: runs of the benchmark's
/// product at the three demo sites from three years back to two months ahead, each period's ledger
/// counting exactly the places the bookings take, the Astana hub's bookings at every step of their
/// lifecycle (each step taken through <see cref="Booking.Advance"/>), each patient's claim, and the hub's
/// hold guard. Slots' copy of every registry patient (<see cref="KnownPatient"/>) is written by
/// <see cref="KnownPatientOf"/>, as the registry's enrolment events would have left it.
/// </summary>
public sealed class SlotsSeed
{
    public const int RunDays = 14;

    /// <summary>How far back the seeded runs start, and how far ahead the last one starts.</summary>
    public const int HistoryDays = 3 * 365;
    public const int AheadDays = 60;

    public const int MaxLinesPerRun = ManufacturingRun.MaxLines;

    private static readonly (string Site, string Country)[] Sites = [(Identities.SiteId, "KZ"), ("uz-tashkent-cell-lab", "UZ"), ("kg-bishkek-cell-lab", "KG")];

    private static readonly Caller Hospital = new("scale-seed:" + Identities.Hospital.ClientId, Identities.Hospital.ClientId, Identities.Country, Identities.HospitalId,
        new HashSet<string> { Roles.HospitalCoordinator });

    private readonly DateTimeOffset _now;
    private readonly DateOnly _today;
    private readonly TimeSpan _holdFor = new SlotsOptions().HoldTime;
    private readonly Random _random;
    private readonly Dictionary<string, PeriodLedger> _ledgers = [];
    private readonly List<ManufacturingRun> _runs = [];

    public SlotsSeed(DateTimeOffset now, int seed)
    {
        _now = now;
        _today = ManufacturingRun.Today(now);
        _random = new Random(seed);
    }

    /// <summary>The last day a seeded run starts on: the measured runs start after it.</summary>
    public DateOnly LastRunStart => _today.AddDays(AheadDays);

    /// <summary>Lines per run: enough for every booking, at most a run's maximum.</summary>
    public static int LinesFor(int bookings, int runs) => Math.Clamp((bookings + runs - 1) / runs, 1, MaxLinesPerRun);

    /// <summary>Slots' copy of a registry patient, as PatientEnrolled would have left it (revision 1: the enrolment's).</summary>
    public static KnownPatient KnownPatientOf(PatientRecord record) => new(record.Pseudonym, record.CountryCode, record.TreatingInstitutionId, InRegistry: true,
        record.Consents.SharedAcrossBorders, record.ConsentsChangedAt, record.BirthYear, record.BirthMonth, ConsentsRevision: 1);

    /// <summary>Writes <paramref name="runs"/> runs and their ledgers, then a booking for each of <paramref name="hubPatients"/>, in batches.</summary>
    public async Task WriteAsync(IDocumentStore store, int runs, IReadOnlyList<string> hubPatients, CancellationToken ct)
    {
        var lines = LinesFor(hubPatients.Count, runs);
        var batch = new StoreBatch(store);
        for (var r = 0; r < runs; r++)
        {
            var start = _today.AddDays(-HistoryDays + (int)((long)r * (HistoryDays + AheadDays) / Math.Max(1, runs - 1)));
            var (site, country) = Sites[r % Sites.Length];
            var publishedAt = Noon(start.AddDays(-60));
            var run = new ManufacturingRun(Guid.CreateVersion7(publishedAt).ToString(), site, Identities.ProductId, start, RunDays, lines, publishedAt,
                start.AddDays(-1), country);
            _runs.Add(run);
            await batch.InsertAsync(SlotsCollections.Runs, run.CapacityId, run, ct);
            Ledger(run, l => l.WithRun(run.CapacityId, run.Lines, open: true, run.ApheresisCutoff));
        }

        for (var k = 0; k < hubPatients.Count; k++)
        {
            var run = _runs[k % _runs.Count];
            var booking = BookingOf(run, hubPatients[k]);
            await batch.InsertAsync(SlotsCollections.Bookings, booking.BookingId, booking, ct);
            await batch.InsertAsync(SlotsCollections.PatientClaims, booking.Pseudonym,
                new PatientClaim(booking.Pseudonym, booking.IsActive ? booking.BookingId : null, null), ct);
            if (booking.Status is not (BookingStatus.Cancelled or BookingStatus.Expired))
            {
                // The line stays used once manufactured: only a cancelled or lapsed booking gives its place back.
                Ledger(run, l => l.Take(run.CapacityId, booking.PatientCountry));
            }
        }
        foreach (var ledger in _ledgers.Values)
        {
            await batch.InsertAsync(SlotsCollections.PeriodLedgers, ledger.LedgerId, ledger, ct);
        }
        if (hubPatients.Count > 0)
        {
            await batch.InsertAsync(SlotsCollections.InstitutionHoldGuards, Identities.HospitalId, new InstitutionHoldGuard(Identities.HospitalId, hubPatients.Count), ct);
        }
        await batch.FlushAsync(ct);
    }

    private void Ledger(ManufacturingRun run, Func<PeriodLedger, PeriodLedger> change)
    {
        var id = PeriodLedger.IdOf(run.SiteId, run.RunStart);
        _ledgers[id] = change(_ledgers.GetValueOrDefault(id) ?? PeriodLedger.Empty(run.SiteId, run.RunStart));
    }

    /// <summary>
    /// A past run's booking went all the way (most infused; some cancelled before apheresis, a few failed in manufacturing);
    /// a run under way has the cells in manufacturing; a coming run's booking is confirmed or still held.
    /// </summary>
    private Booking BookingOf(ManufacturingRun run, string pseudonym)
    {
        var site = new Caller($"scale-seed:{run.SiteId}-mes", $"{run.SiteId}-mes", run.SiteCountry, run.SiteId, new HashSet<string> { Roles.ManufacturingSite });
        var start = run.RunStart;
        var roll = _random.NextDouble();
        if (start > _today)
        {
            // Recent holds, so none lapses while the benchmark runs.
            var held = Hold(run, pseudonym, _now.AddHours(-2 - (roll * 20)));
            return roll < 0.7 ? held.Advance(BookingStatus.Confirmed, Hospital, null, held.CreatedAt.AddHours(1)) : held;
        }
        var booking = Hold(run, pseudonym, Noon(start.AddDays(-40)))
            .Advance(BookingStatus.Confirmed, Hospital, null, Noon(start.AddDays(-39)));
        if (start > _today.AddDays(-45))
        {
            return Through(booking, [(BookingStatus.ApheresisShipped, Hospital, -3), (BookingStatus.ApheresisReceived, site, -2), (BookingStatus.InManufacturing, site, 0)], start);
        }
        if (roll < 0.10)
        {
            return booking.Advance(BookingStatus.Cancelled, Hospital, "the patient's condition changed", Noon(start.AddDays(-10)));
        }
        booking = Through(booking, [(BookingStatus.ApheresisShipped, Hospital, -3), (BookingStatus.ApheresisReceived, site, -2), (BookingStatus.InManufacturing, site, 0)], start);
        return roll < 0.15
            ? booking.Advance(BookingStatus.ManufacturingFailed, site, "out of specification", Noon(start.AddDays(RunDays)))
            : Through(booking, [(BookingStatus.Released, site, RunDays), (BookingStatus.Shipped, site, RunDays + 1), (BookingStatus.Infused, Hospital, RunDays + 3)], start);
    }

    private Booking Hold(ManufacturingRun run, string pseudonym, DateTimeOffset at)
    {
        var terms = new HoldTerms(run.CapacityId, run.SiteId, run.ProductId, run.RunStart, pseudonym, Identities.Country, Identities.HospitalId)
        {
            Indication = Identities.Indication,
            RequestId = Guid.CreateVersion7(at).ToString(),
            SiteCountry = run.SiteCountry,
        };
        // Qualified: the top-level function Booking of Program.cs hides the type's name in this assembly.
        return Slots.Domain.Bookings.Booking.Hold(Guid.CreateVersion7(at).ToString(), terms, _holdFor, Hospital, at);
    }

    private static Booking Through(Booking booking, (BookingStatus To, Caller By, int DaysFromStart)[] steps, DateOnly start)
    {
        foreach (var (to, by, days) in steps)
        {
            booking = booking.Advance(to, by, null, Noon(start.AddDays(days)));
        }
        return booking;
    }

    private static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
}
