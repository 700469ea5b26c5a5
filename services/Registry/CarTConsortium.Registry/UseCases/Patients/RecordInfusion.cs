using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Statistics;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <param name="BookingId">The slots booking the product was made for; null or empty when there was none.</param>
/// <param name="RequestId">The client's idempotency key, when it sent one (<see cref="IdempotencyKey"/>).</param>
public sealed record RecordInfusionCommand(string Pseudonym, string ProductId, double DoseMillionCellsPerKg, DateParts? InfusedOn, string? BookingId,
    string? RequestId = null);

/// <summary>Records an infusion of a catalogue product, for a clinician of the treating institution.</summary>
public sealed class RecordInfusion(IDocumentStore store, TimeProvider clock, StatisticsSnapshots snapshots)
{
    public Task<Stored<PatientRecord>> ExecuteAsync(RecordInfusionCommand command, Caller caller, CancellationToken ct)
    {
        var key = IdempotencyKey.Of(command.RequestId, caller, nameof(RecordInfusion), command);
        return store.OnceAsync(key, clock, (_, replayCt) => store.FindWritableAsync(caller, command.Pseudonym, replayCt),
            createCt => RecordAsync(command, key, caller, createCt), ct);
    }

    private async Task<Stored<PatientRecord>> RecordAsync(RecordInfusionCommand command, IdempotencyKey? key, Caller caller, CancellationToken ct)
    {
        var current = await store.FindWritableAsync(caller, command.Pseudonym, ct);
        var now = clock.GetUtcNow();
        var infusionId = Guid.CreateVersion7(now).ToString();
        var changed = current.Value.RecordInfusion(infusionId, command.ProductId, command.DoseMillionCellsPerKg, command.InfusedOn, command.BookingId, now);
        if (await store.FindAsync(RegistryCollections.Products, command.ProductId, ct) is null)
        {
            throw new RuleViolationException($"Product '{command.ProductId}' is not in the consortium's catalogue.");
        }
        var infusion = changed.Infusions.Single(i => i.InfusionId == infusionId);
        return await store.UpdatePatientAsync(current, changed, PatientEvents.InfusionRecorded(changed, infusion), clock, snapshots, ct, key, infusionId);
    }
}
