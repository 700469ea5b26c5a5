using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Slots.Capacity;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;

namespace CarTConsortium.Slots;

/// <summary>Slots' gRPC (and, through transcoding, REST/JSON) face: translation only.</summary>
public sealed class SlotsGrpcService(CapacityPlanner planner) : SlotsService.SlotsServiceBase
{
    public override async Task<Contracts.Slots.V1.Capacity> PublishCapacity(PublishCapacityRequest request, ServerCallContext context)
    {
        var stored = await planner.PublishAsync(context.Caller(), request.SiteId, request.ProductId, SlotsMapping.FromContract(request.RunStart),
            request.RunDays, request.Lines, context.CancellationToken);
        return SlotsMapping.ToContract(stored);
    }

    public override async Task<Contracts.Slots.V1.Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await planner.GetAsync(request.CapacityId, context.CancellationToken));

    public override async Task<ListCapacityResponse> ListCapacity(ListCapacityRequest request, ServerCallContext context)
    {
        var (capacity, next) = await planner.ListAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken,
            request.SiteId, request.ProductId, context.CancellationToken);
        return new ListCapacityResponse { Capacity = { capacity.Select(SlotsMapping.ToContract) }, NextPageToken = next };
    }
}
