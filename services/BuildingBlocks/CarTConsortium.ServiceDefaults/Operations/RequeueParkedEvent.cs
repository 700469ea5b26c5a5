using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.ServiceDefaults.Operations;

/// <summary>Puts a parked event back in line at its place, once the cause of the broker's refusal is fixed.</summary>
public sealed class RequeueParkedEvent(IOutboxOperations outbox, IOptions<EventingOptions> eventing)
{
    public async Task ExecuteAsync(string eventId, CancellationToken ct)
    {
        new Validator().Required(eventId, "event_id").ThrowIfInvalid();
        if (!await outbox.RequeueParkedAsync(eventId, ct))
        {
            throw new NotFoundException($"No event '{eventId}' is parked in this service's outbox.");
        }
        // The relay's source of the service tag, so an override cannot split the service's series.
        ParkedEventsGauge.Update(eventing.Value.AppId, await outbox.CountParkedAsync(ct));
    }
}
