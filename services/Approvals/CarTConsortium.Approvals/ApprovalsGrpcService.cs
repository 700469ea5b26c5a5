using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;
using Authority = CarTConsortium.Approvals.Authorisations.Authority;
using Pathway = CarTConsortium.Approvals.Authorisations.Pathway;

namespace CarTConsortium.Approvals;

/// <summary>The approvals service's gRPC (and REST/JSON) face: translation only.</summary>
public sealed class ApprovalsGrpcService(AuthorisationRegister register) : ApprovalsService.ApprovalsServiceBase
{
    public override async Task<Contracts.Approvals.V1.Authorisation> RecordAuthorisation(RecordAuthorisationRequest request, ServerCallContext context)
    {
        var stored = await register.RecordAsync(context.Caller(), request.ProductId, request.Jurisdiction,
            ApprovalsMapping.FromContract<Authority>((int)request.Authority),
            ApprovalsMapping.FromContract<Pathway>((int)request.Pathway), context.CancellationToken);
        return ApprovalsMapping.ToContract(stored);
    }

    public override async Task<Contracts.Approvals.V1.Authorisation> GetAuthorisation(GetAuthorisationRequest request, ServerCallContext context) =>
        ApprovalsMapping.ToContract(await register.GetAsync(request.AuthorisationId, context.CancellationToken));

    public override async Task<ListAuthorisationsResponse> ListAuthorisations(ListAuthorisationsRequest request, ServerCallContext context)
    {
        var (authorisations, next) = await register.ListAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken,
            request.ProductId, request.Jurisdiction, context.CancellationToken);
        return new ListAuthorisationsResponse { Authorisations = { authorisations.Select(ApprovalsMapping.ToContract) }, NextPageToken = next };
    }
}
