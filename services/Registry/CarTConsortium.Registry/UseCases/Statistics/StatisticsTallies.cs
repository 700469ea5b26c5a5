using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <summary>
/// Keeps the statistics' tallies in step with the records: every patient write adds to its own
/// commit the tally documents its change alters, so an acknowledged write is counted, and a failed
/// one is not.
/// </summary>
internal static class StatisticsTallies
{
    /// <summary>Adds to <paramref name="changes"/> what the change of one record from <paramref name="before"/> to <paramref name="after"/> does to the tallies.</summary>
    public static async Task AddTallyChangesAsync(this IDocumentStore store, ChangeSet changes, PatientRecord before, PatientRecord after, CancellationToken ct)
    {
        var change = CaseChange.Of(before, after);
        var cells = change.Cells;
        if (cells.Count == 0)
        {
            return;
        }
        var state = await store.FindAsync(RegistryCollections.TallyStates, TallyState.Id, ct);
        if (state is not { Value.Built: true })
        {
            // Not built yet: the build will count this record; touching the state makes a build that read the records earlier start again.
            _ = state is null
                ? changes.Insert(RegistryCollections.TallyStates, TallyState.Id, new TallyState(Built: false))
                : changes.Update(RegistryCollections.TallyStates, state, state.Value);
            return;
        }
        var shard = TallyShard.ShardOf(after.Pseudonym);
        foreach (var cell in cells)
        {
            var id = TallyShard.IdOf(cell, shard);
            var current = await store.FindAsync(RegistryCollections.TallyShards, id, ct);
            var tallied = TallyShard.Of(cell, shard, change.Apply(cell, current?.Value.Tally ?? CellTally.Empty));
            _ = current is null
                ? changes.Insert(RegistryCollections.TallyShards, id, tallied)
                : changes.Update(RegistryCollections.TallyShards, current, tallied);
        }
    }

    /// <summary>
    /// Adds to <paramref name="changes"/> that the tallies have drifted from the records and must be built again
    /// (<see cref="StatisticsTalliesJob"/>): for a write whose record's old case its tally does not hold.
    /// </summary>
    public static async Task AddTalliesDriftedAsync(this IDocumentStore store, ChangeSet changes, CancellationToken ct)
    {
        var state = await store.FindAsync(RegistryCollections.TallyStates, TallyState.Id, ct);
        var drifted = new TallyState(Built: false, Drifted: true);
        _ = state is null
            ? changes.Insert(RegistryCollections.TallyStates, TallyState.Id, drifted)
            : changes.Update(RegistryCollections.TallyStates, state, drifted);
    }
}
