using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases.Runs;

/// <summary>The reads the run use cases share: a run by its id, and the places its ledger counts as taken.</summary>
public sealed class RunReads(IDocumentStore store)
{
    public const string IdViolation = "must be a capacity id as PublishCapacity returned it";

    /// <summary>The run; INVALID_ARGUMENT for an id slots never gave, NOT_FOUND for one it does not know.</summary>
    public async Task<Stored<ManufacturingRun>> FindAsync(string? capacityId, CancellationToken ct)
    {
        new Validator().Check(Ids.IsId(capacityId), "capacity_id", IdViolation).ThrowIfInvalid();
        return await store.FindAsync(SlotsCollections.Runs, capacityId!, ct)
            ?? throw new NotFoundException($"No capacity '{capacityId}' is published.");
    }

    public async Task<RunView> ViewAsync(Stored<ManufacturingRun> run, CancellationToken ct) =>
        new(run, (await store.FindAsync(SlotsCollections.PeriodLedgers, PeriodLedger.IdOf(run.Value.SiteId, run.Value.RunStart), ct))
            ?.Value.Runs.GetValueOrDefault(run.Value.CapacityId)?.Taken ?? 0);
}
