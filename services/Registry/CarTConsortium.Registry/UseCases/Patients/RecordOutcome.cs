using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.UseCases.Statistics;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <param name="Report">What happened; null when the request named no kind (refused).</param>
/// <param name="RequestId">The client's idempotency key, when it sent one (<see cref="IdempotencyKey"/>).</param>
public sealed record RecordOutcomeCommand(string Pseudonym, DateParts? OccurredOn, OutcomeReport? Report, string? RequestId = null);

/// <summary>Records one clinical outcome, for a clinician of the treating institution.</summary>
public sealed class RecordOutcome(IDocumentStore store, TimeProvider clock, StatisticsSnapshots snapshots)
{
    public Task<Stored<PatientRecord>> ExecuteAsync(RecordOutcomeCommand command, Caller caller, CancellationToken ct)
    {
        // The report by its own type: a response and a relapse on one day are two requests.
        var key = IdempotencyKey.Of(command.RequestId, caller, nameof(RecordOutcome),
            new { command.Pseudonym, command.OccurredOn, Kind = command.Report?.GetType().Name, Report = (object?)command.Report });
        return store.OnceAsync(key, clock, (_, replayCt) => store.FindWritableAsync(caller, command.Pseudonym, replayCt),
            createCt => RecordAsync(command, key, caller, createCt), ct);
    }

    private async Task<Stored<PatientRecord>> RecordAsync(RecordOutcomeCommand command, IdempotencyKey? key, Caller caller, CancellationToken ct)
    {
        var current = await store.FindWritableAsync(caller, command.Pseudonym, ct);
        var now = clock.GetUtcNow();
        var outcomeId = Guid.CreateVersion7(now).ToString();
        var changed = current.Value.RecordOutcome(outcomeId, command.OccurredOn, command.Report, caller.Org!, now);
        var outcome = changed.Outcomes.Single(o => o.OutcomeId == outcomeId);
        return await store.UpdatePatientAsync(current, changed, PatientEvents.OutcomeRecorded(changed, outcome), clock, snapshots, ct, key, outcomeId);
    }
}
