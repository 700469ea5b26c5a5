using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Events;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <param name="Report">What happened; null when the request named no kind (refused).</param>
public sealed record RecordOutcomeCommand(string Pseudonym, DateParts? OccurredOn, OutcomeReport? Report);

/// <summary>Records one clinical outcome, for a clinician of the treating institution.</summary>
public sealed class RecordOutcome(IDocumentStore store, TimeProvider clock)
{
    public async Task<Stored<PatientRecord>> ExecuteAsync(RecordOutcomeCommand command, Caller caller, CancellationToken ct)
    {
        var current = await store.FindWritableAsync(caller, command.Pseudonym, ct);
        var now = clock.GetUtcNow();
        var outcomeId = Guid.CreateVersion7(now).ToString();
        var changed = current.Value.RecordOutcome(outcomeId, command.OccurredOn, command.Report, caller.Org!, now);
        var outcome = changed.Outcomes.Single(o => o.OutcomeId == outcomeId);
        return await store.UpdatePatientAsync(current, changed, PatientEvents.OutcomeRecorded(changed, outcome), clock, ct);
    }
}
