using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Statistics;
using CarTConsortium.Slots.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Writes a registry of synthetic patients straight into the registry's store, each built by the
/// registry's own record rules (enrolment, an infusion, outcomes); then the registry's own <see cref="BuildStatisticsTallies"/>
/// builds the statistics' tallies from them, so the platform starts with its statistics built.
/// No event is raised: slots' copy of each patient is seeded beside it (<see cref="SlotsSeed"/>).
/// </summary>
public static class RegistrySeed
{
    /// <summary>Products the demo registers, infused in turn.</summary>
    private static readonly string[] Products = [Identities.ProductId, "ncb-cd19-academic"];

    /// <summary>
    /// The cohort's patients in chunks of <paramref name="chunk"/>, in the order of their pseudonyms (the documents' ids): the store's
    /// B-trees then grow at their end instead of splitting pages all over tables of gigabytes. Each chunk's registry records and
    /// slots' copies are built and serialised on a pool thread, up to one chunk per core ahead of the one being committed. Each
    /// patient's figures come from a random sequence of its own: the same records for the same seed, whatever the order or the day
    /// (dates count back from it).
    /// </summary>
    public static async IAsyncEnumerable<(ChangeSet Registry, ChangeSet Slots, int Patients)> ChunksAsync(ScaleCohort cohort, int seed, int chunk)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var ahead = new Queue<Task<(ChangeSet, ChangeSet, int)>>();
        foreach (var indexes in InPseudonymOrder(cohort).Chunk(chunk))
        {
            ahead.Enqueue(Task.Run(() => Build(cohort, indexes, seed, today)));
            if (ahead.Count > Environment.ProcessorCount)
            {
                yield return await ahead.Dequeue();
            }
        }
        while (ahead.Count > 0)
        {
            yield return await ahead.Dequeue();
        }
    }

    private static (ChangeSet Registry, ChangeSet Slots, int Patients) Build(ScaleCohort cohort, int[] indexes, int seed, DateOnly today)
    {
        var (registry, slots) = (new ChangeSet(), new ChangeSet());
        foreach (var i in indexes)
        {
            var record = Record(cohort, ScaleCohort.Slot(i), new Random(unchecked((seed * 1_000_003) + i)), today);
            registry.Insert(RegistryCollections.Patients, record.Pseudonym, record);
            slots.Insert(SlotsCollections.KnownPatients, record.Pseudonym, SlotsSeed.KnownPatientOf(record));
        }
        return (registry, slots, indexes.Length);
    }

    /// <summary>The cohort's indexes, ordered by pseudonym as the store orders ids (ordinal).</summary>
    private static int[] InPseudonymOrder(ScaleCohort cohort)
    {
        var pseudonyms = new string[cohort.Patients];
        var order = new int[cohort.Patients];
        for (var i = 0; i < cohort.Patients; i++)
        {
            pseudonyms[i] = cohort.PseudonymOf(ScaleCohort.Slot(i));
            order[i] = i;
        }
        Array.Sort(pseudonyms, order, StringComparer.Ordinal);
        return order;
    }

    /// <summary>The registry's tallies, built by its own use case from the records just written.</summary>
    public static Task<bool> BuildTalliesAsync(IDocumentStore store, CancellationToken ct) =>
        new BuildStatisticsTallies(store, new StatisticsSnapshots(TimeProvider.System, NullLogger<StatisticsSnapshots>.Instance)).ExecuteAsync(ct);

    /// <summary>A child treated 35 days to 3.5 years ago: enrolled, infused, and followed up as the review paper's figures go.</summary>
    private static PatientRecord Record(ScaleCohort cohort, ScalePatientSlot slot, Random random, DateOnly today)
    {
        var infused = today.AddDays(-random.Next(35, (3 * 365) + 180));
        var birth = infused.AddYears(-random.Next(2, 22)).AddMonths(-random.Next(0, 12));
        var shared = random.NextDouble() < 0.6;
        var consents = new Consents(Registry: true, CrossBorderSharing: shared, Research: shared || random.NextDouble() < 0.5);
        var enrolledAt = Noon(infused.AddDays(-random.Next(7, 40)));
        var record = PatientRecord.Enrol(cohort.Pseudonymiser, slot.NationalId, slot.Country, slot.Institution, birth.Year, birth.Month,
            random.NextDouble() < 0.45 ? Sex.Female : Sex.Male,
            random.NextDouble() < 0.7 ? DiseaseStatus.Relapsed : DiseaseStatus.Refractory,
            Cd19Status.Positive, random.Next(1, 5), consents, enrolledAt);
        record = record.RecordInfusion(Id(infused), Products[random.Next(Products.Length)], Math.Round(0.5 + (random.NextDouble() * 4), 1),
            DateParts.Of(infused), null, Noon(infused));
        record = Outcome(record, infused.AddDays(random.Next(1, 6)), new ToxicityReport(ToxicityKind.Crs, random.NextDouble() < 0.08 ? 3 : random.Next(0, 3), null), slot);
        var assessed = infused.AddDays(28);
        var remission = random.NextDouble() < 0.85;
        record = Outcome(record, assessed, new ResponseReport(remission ? Day28Response.Cr : Day28Response.NoResponse, remission && random.NextDouble() < 0.88), slot);
        // About one child in four dies within the first year; of the rest, one in four relapses.
        var diesAfter = random.NextDouble() < (remission ? 0.15 : 0.6) ? random.Next(40, 365) : (int?)null;
        if (diesAfter is { } days && infused.AddDays(days) < today)
        {
            return Outcome(record, infused.AddDays(days), new DeathReport("disease progression"), slot);
        }
        if (remission && random.NextDouble() < 0.25 && infused.AddDays(120) < today)
        {
            return Outcome(record, infused.AddDays(random.Next(60, 120)), new RelapseReport(Cd19Status.Negative), slot);
        }
        var followUp = infused.AddDays(random.Next(90, 365));
        return followUp < today
            ? Outcome(record, followUp, new FollowUpReport(remission ? DiseaseState.InRemission : DiseaseState.ActiveDisease, remission), slot)
            : record;
    }

    private static PatientRecord Outcome(PatientRecord record, DateOnly day, OutcomeReport report, ScalePatientSlot slot) =>
        record.RecordOutcome(Id(day), DateParts.Of(day), report, slot.Institution, Noon(day));

    private static string Id(DateOnly day) => Guid.CreateVersion7(Noon(day)).ToString();

    private static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
}
