using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Contracts.Operations.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CarTConsortium.ServiceDefaults.Operations;

/// <summary>The OutboxOperations RPCs of one service app: maps requests to the use cases and back.</summary>
public sealed class OutboxOperationsApi(OutboxOperationsApp app, ListParkedEvents list, RequeueParkedEvent requeue, RepublishSince republish)
    : OutboxOperations.OutboxOperationsBase
{
    public override async Task<ListParkedEventsResponse> ListParkedEvents(ListParkedEventsRequest request, ServerCallContext context)
    {
        app.CheckNamed(request.Service);
        var result = await list.ExecuteAsync(new(request.PageSize, request.PageToken), context.CancellationToken);
        var response = new ListParkedEventsResponse { NextPageToken = result.NextPageToken ?? "" };
        response.Events.AddRange(result.Events.Select(parked => new ParkedEvent
        {
            EventId = parked.Id,
            Topic = parked.Topic,
            OccurredAt = Timestamp.FromDateTimeOffset(parked.OccurredAt),
            Reason = parked.Reason,
            ParkedAt = Timestamp.FromDateTimeOffset(parked.ParkedAt),
        }));
        return response;
    }

    public override async Task<RequeueParkedEventResponse> RequeueParkedEvent(RequeueParkedEventRequest request, ServerCallContext context)
    {
        app.CheckNamed(request.Service);
        await requeue.ExecuteAsync(request.EventId, context.CancellationToken);
        return new RequeueParkedEventResponse { EventId = request.EventId };
    }

    public override async Task<RepublishSinceResponse> RepublishSince(RepublishSinceRequest request, ServerCallContext context)
    {
        app.CheckNamed(request.Service);
        // A Timestamp outside 0001-9999 cannot be a time: refused as the field at fault, not as an internal error.
        new Validator().Check(request.Since is null || IsTime(request.Since), "since", "must be a time between 0001-01-01 and 9999-12-31").ThrowIfInvalid();
        var republished = await republish.ExecuteAsync(request.Since?.ToDateTimeOffset(), context.CancellationToken);
        return new RepublishSinceResponse { Republished = republished };
    }

    private static bool IsTime(Timestamp timestamp) =>
        timestamp.Seconds is >= -62_135_596_800 and <= 253_402_300_799 && timestamp.Nanos is >= 0 and < 1_000_000_000;
}

/// <summary>Which service answers: a request that names another one went to the wrong place.</summary>
public sealed record OutboxOperationsApp(string AppId)
{
    public void CheckNamed(string service) =>
        new Validator().Check(service.Length == 0 || service == AppId, "service", $"this is the {AppId} service's outbox").ThrowIfInvalid();
}
