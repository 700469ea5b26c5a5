using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <summary>
/// Builds the statistics' tallies once from the records already kept (a registry upgraded to
/// maintained statistics, or a new one): reads every active record, and commits every tally
/// document together with the state that says they are built. A patient write committed while
/// the records are read touches the state, so the build's commit loses the race and starts again;
/// after it, writes keep the tallies themselves. Nothing to do when they are built already.
/// </summary>
public sealed class BuildStatisticsTallies(IDocumentStore store)
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
            foreach (var ((cell, shard), tally) in tallies)
            {
                changes.Insert(RegistryCollections.TallyShards, TallyShard.IdOf(cell, shard), TallyShard.Of(cell, shard, tally));
            }
            var built = new TallyState(Built: true);
            _ = state is null
                ? changes.Insert(RegistryCollections.TallyStates, TallyState.Id, built)
                : changes.Update(RegistryCollections.TallyStates, state, built);
            await store.CommitAsync(changes, attemptCt);
            return true;
        }, ct);
}
