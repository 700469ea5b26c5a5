using System.Diagnostics;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Storage.Sqlite;

namespace CarTConsortium.Benchmarks;

/// <summary>What one size's seeding writes into a fresh data folder.</summary>
/// <param name="Bookings">The Astana hub's bookings: one each for its first patients.</param>
public sealed record ScaleSeedSettings(string DataFolder, int Patients, int Bookings, int Runs);

/// <summary>
/// Seeds one size's data straight into the registry's and slots' SQLite files, where the standalone
/// platform keeps them (&lt;data&gt;/&lt;app id&gt;.db), before the platform starts. Runs in a process of its
/// own (<c>scale seed</c>), so that the platform measured afterwards starts in a process that never held
/// the seeding's memory.
/// </summary>
public static class ScaleSeeder
{
    /// <summary>The cohort's random seed: every run of the benchmark seeds the same data.</summary>
    public const int Seed = 2026_17;

    public static async Task<int> RunAsync(ScaleSeedSettings settings, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        void Say(string what) => Console.WriteLine($"  [seed {clock.Elapsed:mm\\:ss}] {what}");

        Directory.CreateDirectory(settings.DataFolder);
        var cohort = new ScaleCohort(settings.Patients, ScaleCohort.StandalonePseudonymiser());
        var registry = Open(settings.DataFolder, "registry");
        var slots = Open(settings.DataFolder, "slots");

        var patients = new StoreBatch(registry);
        var known = new StoreBatch(slots);
        var hub = new List<string>(settings.Bookings);
        var seeded = 0;
        foreach (var record in RegistrySeed.Records(cohort, Seed))
        {
            await patients.InsertAsync(RegistryCollections.Patients, record.Pseudonym, record, ct);
            await known.InsertAsync(SlotsCollections.KnownPatients, record.Pseudonym, SlotsSeed.KnownPatientOf(record), ct);
            if (hub.Count < settings.Bookings && record.TreatingInstitutionId == Identities.HospitalId && record.CountryCode == Identities.Country)
            {
                hub.Add(record.Pseudonym);
            }
            if (++seeded % 100_000 == 0)
            {
                Say($"{seeded:N0} patients...");
            }
        }
        await patients.FlushAsync(ct);
        await known.FlushAsync(ct);
        Say($"{patients.Written:N0} registry records and slots' copies of them written.");

        var history = new SlotsSeed(DateTimeOffset.UtcNow, Seed);
        var lines = await history.WriteAsync(slots, settings.Runs, hub, ct);
        Say($"{settings.Runs:N0} runs of {lines} line(s) with their ledgers, {hub.Count:N0} bookings with their claims written.");

        await RegistrySeed.BuildTalliesAsync(registry, ct);
        Say("Statistics tallies built by the registry's BuildStatisticsTallies.");

        // After the bulk writes (an index is cheaper built once than kept up through them): the platform finds them made, as after any restart.
        await registry.PrepareCollectionsAsync(DocumentCollectionsRegistration.DeclaredIn(typeof(RegistryCollections)), ct);
        await slots.PrepareCollectionsAsync(DocumentCollectionsRegistration.DeclaredIn(typeof(SlotsCollections)), ct);
        using var self = Process.GetCurrentProcess();
        Say($"Key indexes made. Seeding took {clock.Elapsed.TotalSeconds:F0} s, peak working set {self.PeakWorkingSet64 / (1024 * 1024):N0} MiB.");
        return 0;
    }

    private static SqliteDocumentStore Open(string folder, string appId) =>
        new(Path.Combine(folder, appId + ".db"), new OutboxSignal(), appId);
}
