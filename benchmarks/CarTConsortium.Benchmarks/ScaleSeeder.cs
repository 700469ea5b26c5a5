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
        void Say(string what) => Console.WriteLine($"  [seed {clock.Elapsed.TotalSeconds,6:F0} s] {what}");

        Directory.CreateDirectory(settings.DataFolder);
        var cohort = new ScaleCohort(settings.Patients, ScaleCohort.StandalonePseudonymiser());
        var registry = Open(settings.DataFolder, "registry");
        var slots = Open(settings.DataFolder, "slots");

        // Before the bulk writes: every key index is (key value, collection, id), and the ids come in order, so keeping them up
        // costs appends; built afterwards, each index would read the whole table, bodies' overflow pages included, once per key.
        await PrepareAsync(registry, slots, ct);
        Say("Key indexes made.");

        // The hub's first patients are booked; the measuring process takes the ones after them as fresh (ScaleBenchmark).
        var hub = Enumerable.Range(0, settings.Bookings).Select(n => cohort.PseudonymOf(ScaleCohort.Slot(ScaleCohort.HubIndex(n)))).ToList();
        var seeded = 0;
        var committing = Task.CompletedTask;
        await foreach (var (records, copies, count) in RegistrySeed.ChunksAsync(cohort, Seed, StoreBatch.Size))
        {
            // One chunk commits (each file on its writer thread) while the next ones are built.
            await committing;
            committing = Task.WhenAll(registry.CommitAsync(records, ct), slots.CommitAsync(copies, ct));
            if ((seeded += count) % 100_000 == 0)
            {
                Say($"{seeded:N0} patients ({seeded / clock.Elapsed.TotalSeconds:N0} a second)...");
            }
        }
        await committing;
        Say($"{seeded:N0} registry records and slots' copies of them written ({seeded / clock.Elapsed.TotalSeconds:N0} a second).");

        var history = new SlotsSeed(DateTimeOffset.UtcNow, Seed);
        var lines = await history.WriteAsync(slots, settings.Runs, hub, ct);
        Say($"{settings.Runs:N0} runs of {lines} line(s) with their ledgers, {hub.Count:N0} bookings with their claims written.");

        await RegistrySeed.BuildTalliesAsync(registry, ct);
        Say("Statistics tallies built by the registry's BuildStatisticsTallies.");

        // Again, as the platform does at every start: nothing to back-fill, and the planner's statistics for the full tables.
        await PrepareAsync(registry, slots, ct);
        using var self = Process.GetCurrentProcess();
        Say($"Planner statistics made. Seeding took {clock.Elapsed.TotalSeconds:F0} s, peak working set {self.PeakWorkingSet64 / (1024 * 1024):N0} MiB.");
        return 0;
    }

    private static async Task PrepareAsync(SqliteDocumentStore registry, SqliteDocumentStore slots, CancellationToken ct)
    {
        await registry.PrepareCollectionsAsync(DocumentCollectionsRegistration.DeclaredIn(typeof(RegistryCollections)), ct);
        await slots.PrepareCollectionsAsync(DocumentCollectionsRegistration.DeclaredIn(typeof(SlotsCollections)), ct);
    }

    private static SqliteDocumentStore Open(string folder, string appId) =>
        new(Path.Combine(folder, appId + ".db"), new OutboxSignal(), appId);
}
