using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <param name="CapacityId">One run, weighed or not; every run weighed when null or empty.</param>
public sealed record ExplainAllocationCommand(string? RequestId, string? CapacityId = null);

public sealed record AllocationExplained(AllocationDecision Decision, IReadOnlyList<RunDecision> Runs);

/// <summary>Why a request got, or did not get, each run it was weighed against; or one run, weighed or not.</summary>
public sealed class ExplainAllocation(IDocumentStore store, InstitutionAccess institutions)
{
    public async Task<AllocationExplained> ExecuteAsync(ExplainAllocationCommand command, Caller caller, CancellationToken ct)
    {
        var (requestId, capacityId) = (command.RequestId, command.CapacityId);
        var validator = new Validator().Check(Ids.IsId(requestId), "request_id", "must be a request id as RequestRun returned it");
        if (!string.IsNullOrEmpty(capacityId))
        {
            validator.Check(Ids.IsId(capacityId), "capacity_id", "must be a capacity id as PublishCapacity returned it");
        }
        validator.ThrowIfInvalid();
        var decision = (await store.FindAsync(SlotsCollections.AllocationDecisions, requestId!, ct))?.Value
            ?? throw new NotFoundException($"No request '{requestId}' was decided.");
        caller.Demand(caller.IsConsortiumAdmin || await institutions.IsCoordinatorOfAsync(caller, decision.TreatingInstitutionId, ct),
            "Only the requesting hospital's coordinators or a consortium admin see why a request was decided.");
        if (string.IsNullOrEmpty(capacityId))
        {
            return new AllocationExplained(decision, decision.Decisions);
        }
        var weighed = decision.Decisions.Where(d => d.CapacityId == capacityId).ToList();
        if (weighed.Count > 0)
        {
            return new AllocationExplained(decision, weighed);
        }
        var run = (await store.FindAsync(SlotsCollections.Runs, capacityId, ct))?.Value
            ?? throw new NotFoundException($"No capacity '{capacityId}' is published.");
        var why = run.ProductId != decision.ProductId ? $"it is a run of {run.ProductId}, and the request was for {decision.ProductId}"
            : run.PublishedAt > decision.DecidedAt ? $"it was published at {run.PublishedAt:yyyy-MM-dd HH:mm} UTC, after the request was decided"
            : run.RunStart < ManufacturingRun.Today(decision.DecidedAt) ? "it had started when the request was decided"
            : "it was closed, or outside the site or days the request asked for, when the request was decided";
        return new AllocationExplained(decision, [new RunDecision(run.CapacityId, run.SiteId, run.RunStart, false, [$"not weighed: {why}"])]);
    }
}
