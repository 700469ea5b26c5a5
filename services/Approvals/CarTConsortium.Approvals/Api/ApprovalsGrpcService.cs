using CarTConsortium.Approvals.UseCases.Authorisations;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;
using static CarTConsortium.Approvals.Api.ApprovalsMapping;

namespace CarTConsortium.Approvals.Api;

/// <summary>The approvals service's gRPC (and REST/JSON) face: each RPC maps its request, calls one use case and maps the result.</summary>
public sealed class ApprovalsGrpcService(
    RecordAuthorisation record,
    ChangeAuthorisationStatus changeStatus,
    AmendAuthorisation amend,
    GetAuthorisation get,
    ListAuthorisations list,
    GetAuthorisationHistory history,
    GetAuthorisationMatrix matrix,
    CheckUsage checkUsage,
    ListRenewalsDue renewalsDue) : ApprovalsService.ApprovalsServiceBase
{
    public override async Task<Contracts.Approvals.V1.Authorisation> RecordAuthorisation(RecordAuthorisationRequest request, ServerCallContext context) =>
        ToContract(await record.ExecuteAsync(request.ToCommand(), context.Caller(), context.CancellationToken));

    public override async Task<Contracts.Approvals.V1.Authorisation> ChangeStatus(ChangeStatusRequest request, ServerCallContext context) =>
        ToContract(await changeStatus.ExecuteAsync(request.ToCommand(), context.Caller(), context.CancellationToken));

    public override async Task<Contracts.Approvals.V1.Authorisation> AmendAuthorisation(AmendAuthorisationRequest request, ServerCallContext context) =>
        ToContract(await amend.ExecuteAsync(request.ToCommand(), context.Caller(), context.CancellationToken));

    public override async Task<Contracts.Approvals.V1.Authorisation> GetAuthorisation(GetAuthorisationRequest request, ServerCallContext context) =>
        ToContract(await get.ExecuteAsync(new GetAuthorisationCommand(request.AuthorisationId), context.CancellationToken));

    public override async Task<ListAuthorisationsResponse> ListAuthorisations(ListAuthorisationsRequest request, ServerCallContext context)
    {
        var page = await list.ExecuteAsync(request.ToCommand(), context.CancellationToken);
        return new ListAuthorisationsResponse { Authorisations = { page.Authorisations.Select(ToContract) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<GetAuthorisationHistoryResponse> GetAuthorisationHistory(GetAuthorisationHistoryRequest request, ServerCallContext context)
    {
        var page = await history.ExecuteAsync(request.ToCommand(), context.CancellationToken);
        return new GetAuthorisationHistoryResponse { Entries = { page.Entries.Select(ToContract) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Matrix> GetMatrix(GetMatrixRequest request, ServerCallContext context) =>
        ToContract(await matrix.ExecuteAsync(request.ToCommand(), context.CancellationToken));

    public override async Task<UsageAnswer> CheckUsage(CheckUsageRequest request, ServerCallContext context) =>
        ToContract(await checkUsage.ExecuteAsync(request.ToCommand(), context.CancellationToken));

    public override async Task<ListRenewalsDueResponse> ListRenewalsDue(ListRenewalsDueRequest request, ServerCallContext context)
    {
        var page = await renewalsDue.ExecuteAsync(request.ToCommand(), context.CancellationToken);
        return new ListRenewalsDueResponse { Authorisations = { page.Authorisations.Select(ToContract) }, NextPageToken = page.NextPageToken };
    }
}
