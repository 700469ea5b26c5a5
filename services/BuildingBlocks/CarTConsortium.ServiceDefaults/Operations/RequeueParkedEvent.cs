using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.ServiceDefaults.Operations;

/// <summary>Puts a parked event back in line at its place, once the cause of the broker's refusal is fixed.</summary>
public sealed class RequeueParkedEvent(IOutboxOperations outbox, OutboxOperationsApp app)
{
    public async Task ExecuteAsync(string eventId, CancellationToken ct)
    {
        new Validator().Required(eventId, "event_id").ThrowIfInvalid();
        if (!await outbox.RequeueParkedAsync(eventId, ct))
        {
            throw new NotFoundException($"No event '{eventId}' is parked in this service's outbox.");
        }
        ParkedEventsGauge.Update(app.AppId, await outbox.CountParkedAsync(ct));
    }
}
