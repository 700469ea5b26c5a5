using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <summary>
/// Cuts a statistics release now: reads every active record's counted case (consented, infused) and the
/// latest release, applies <see cref="ReleaseRule"/> and stores the new release together with the head
/// that names it. Two cuts at once race on the head: one commits, the other starts again from it.
/// </summary>
public sealed class PublishStatisticsRelease(IDocumentStore store, TimeProvider clock)
{
    public async Task<StatisticsRelease> ExecuteAsync(CancellationToken ct) =>
        await ConflictRetry.RunAsync(async attemptCt =>
        {
            var cutAt = clock.GetUtcNow();
            var head = await store.FindAsync(RegistryCollections.StatisticsReleaseHeads, StatisticsReleaseHead.Id, attemptCt);
            var previous = head is null ? null : await store.FindAsync(RegistryCollections.StatisticsReleases, head.Value.ReleaseId, attemptCt);
            var id = StatisticsRelease.IdOf(cutAt);
            if (previous is not null && string.CompareOrdinal(id, previous.Value.ReleaseId) <= 0)
            {
                throw new RuleViolationException($"A release was cut at {previous.Value.CutAt:u}; one release per second, each after the last.");
            }
            var cases = await CountedCasesAsync(attemptCt);
            var release = new StatisticsRelease(id, cutAt, ReleaseRule.Next(previous?.Value.Admitted ?? [], cases, cutAt),
                [.. cases.Values.Select(CellKey.Of).Distinct().OrderBy(cell => cell, CellKey.Order)]);
            var changes = new ChangeSet();
            changes.Insert(RegistryCollections.StatisticsReleases, id, release);
            var listed = new StatisticsReleaseHead(id, [new StatisticsReleaseEntry(id, cutAt), .. head?.Value.Releases ?? []]);
            _ = head is null
                ? changes.Insert(RegistryCollections.StatisticsReleaseHeads, StatisticsReleaseHead.Id, listed)
                : changes.Update(RegistryCollections.StatisticsReleaseHeads, head, listed);
            await store.CommitAsync(changes, attemptCt);
            return release;
        }, ct);

    // Page by page, as the tallies' build reads them: only the counted cases stay in memory.
    private async Task<Dictionary<string, CaseSummary>> CountedCasesAsync(CancellationToken ct)
    {
        var cases = new Dictionary<string, CaseSummary>(StringComparer.Ordinal);
        var query = DocumentQuery.All.WhereKey(PatientKeys.Active, PatientKeys.Yes) with { Limit = DocumentQuery.MaxLimit };
        for (string? after = null; ;)
        {
            var page = await store.QueryAsync(RegistryCollections.Patients, query with { AfterId = after }, ct);
            foreach (var record in page.Items)
            {
                if (CaseChange.Counted(record.Value) is { } counted)
                {
                    cases[record.Id] = counted;
                }
            }
            if (page.NextAfterId is null)
            {
                return cases;
            }
            after = page.NextAfterId;
        }
    }
}
