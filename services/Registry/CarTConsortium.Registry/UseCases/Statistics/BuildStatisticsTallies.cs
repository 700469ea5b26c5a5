using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <summary>
/// Builds the statistics' tallies from the records kept: at start for a registry upgraded to maintained
/// statistics or a new one, and again whenever the state says they are not built (an operator deleted
/// it, or a write found them drifted from the records). Reads every active record and commits, together
/// with the state that says they are built, a replacement of every tally document: the ones it computed
/// overwrite what is stored, and a stored one it did not compute is emptied, so a rebuild over drifted
/// tallies gives the same as a first build. A patient write committed meanwhile touches the state or a
/// tally document read here, so the build's commit loses the race and starts again; after it, writes
/// keep the tallies themselves. Nothing to do when they are built already.
/// </summary>
public sealed class BuildStatisticsTallies(IDocumentStore store, StatisticsSnapshots snapshots)
{
    /// <returns>True when this call built them; false when they were built already.</returns>
    public async Task<bool> ExecuteAsync(CancellationToken ct) =>
        await ConflictRetry.RunAsync(async attemptCt =>
        {
            var state = await store.FindAsync(RegistryCollections.TallyStates, TallyState.Id, attemptCt);
            if (state is { Value.Built: true })
            {
                return false;
            }
            // Read before the records: a write committed after this read changes (or creates) a tally document the commit below
            // also writes, so the build starts again instead of overwriting a change its reads missed.
            var stored = await store.QueryAllAsync(RegistryCollections.TallyShards, DocumentQuery.All, attemptCt);
            // Page by page: a large registry's records are never all in memory at once, only their tallies.
            var tallies = new Dictionary<(CellKey Cell, int Shard), CellTally>();
            var query = DocumentQuery.All.WhereKey(PatientKeys.Active, PatientKeys.Yes) with { Limit = DocumentQuery.MaxLimit };
            for (string? after = null; ;)
            {
                var page = await store.QueryAsync(RegistryCollections.Patients, query with { AfterId = after }, attemptCt);
                foreach (var record in page.Items)
                {
                    if (CaseChange.Counted(record.Value) is { } counted)
                    {
                        var at = (CellKey.Of(counted), TallyShard.ShardOf(record.Id));
                        tallies[at] = tallies.GetValueOrDefault(at, CellTally.Empty).With(counted);
                    }
                }
                if (page.NextAfterId is null)
                {
                    break;
                }
                after = page.NextAfterId;
            }
            var changes = new ChangeSet();
            foreach (var current in stored)
            {
                // Emptied rather than deleted (the store has no delete): an empty tally counts no case and makes no cell.
                var at = (current.Value.Cell, current.Value.Shard);
                var tally = tallies.Remove(at, out var computed) ? computed : CellTally.Empty;
                changes.Update(RegistryCollections.TallyShards, current, TallyShard.Of(at.Cell, at.Shard, tally));
            }
            foreach (var ((cell, shard), tally) in tallies)
            {
                changes.Insert(RegistryCollections.TallyShards, TallyShard.IdOf(cell, shard), TallyShard.Of(cell, shard, tally));
            }
            var built = new TallyState(Built: true);
            _ = state is null
                ? changes.Insert(RegistryCollections.TallyStates, TallyState.Id, built)
                : changes.Update(RegistryCollections.TallyStates, state, built);
            await store.CommitAsync(changes, attemptCt);
            snapshots.Changed();
            return true;
        }, ct);
}
