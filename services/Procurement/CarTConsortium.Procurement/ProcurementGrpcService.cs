using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Procurement.Tenders;
using Grpc.Core;

namespace CarTConsortium.Procurement;

/// <summary>Procurement's gRPC (and, through transcoding, REST/JSON) face: translation only.</summary>
public sealed class ProcurementGrpcService(TenderBook book) : ProcurementService.ProcurementServiceBase
{
    public override async Task<Contracts.Procurement.V1.Tender> OpenTender(OpenTenderRequest request, ServerCallContext context)
    {
        var stored = await book.OpenAsync(request.Item, request.Unit, [.. request.PriceTiers.Select(ProcurementMapping.FromContract)],
            ProcurementMapping.FromContract(request.ClosesAt), context.CancellationToken);
        return ProcurementMapping.ToContract(stored);
    }

    public override async Task<Contracts.Procurement.V1.Tender> GetTender(GetTenderRequest request, ServerCallContext context) =>
        ProcurementMapping.ToContract(await book.GetAsync(request.TenderId, context.CancellationToken));

    public override async Task<ListTendersResponse> ListTenders(ListTendersRequest request, ServerCallContext context)
    {
        var (tenders, next) = await book.ListAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken,
            ProcurementMapping.StatusFilter(request.Status), context.CancellationToken);
        return new ListTendersResponse { Tenders = { tenders.Select(ProcurementMapping.ToContract) }, NextPageToken = next };
    }
}
