using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;
using static CarTConsortium.Approvals.ApprovalsMapping;
using Authority = CarTConsortium.Approvals.Authorisations.Authority;
using AuthorisationStatus = CarTConsortium.Approvals.Authorisations.AuthorisationStatus;
using Pathway = CarTConsortium.Approvals.Authorisations.Pathway;

namespace CarTConsortium.Approvals;

/// <summary>The approvals service's gRPC (and REST/JSON) face: translation only.</summary>
public sealed class ApprovalsGrpcService(AuthorisationRegister register) : ApprovalsService.ApprovalsServiceBase
{
    public override async Task<Contracts.Approvals.V1.Authorisation> RecordAuthorisation(RecordAuthorisationRequest request, ServerCallContext context) =>
        ToContract(await register.RecordAsync(context.Caller(), request.ProductId, request.Jurisdiction,
            FromContract<Authority>((int)request.Authority), FromContract<Pathway>((int)request.Pathway), FromContract(request.Scope),
            request.ReferenceAuthorisationId, request.Reason, context.CancellationToken));

    public override async Task<Contracts.Approvals.V1.Authorisation> ChangeStatus(ChangeStatusRequest request, ServerCallContext context) =>
        ToContract(await register.ChangeStatusAsync(context.Caller(), request.AuthorisationId, FromContract<AuthorisationStatus>((int)request.Status),
            request.ExpectedRevision, request.Reason, FromContract(request.SubmittedOn), FromContract(request.DecidedOn),
            FromContract(request.EffectiveOn), FromContract(request.ExpiresOn), context.CancellationToken));

    public override async Task<Contracts.Approvals.V1.Authorisation> AmendAuthorisation(AmendAuthorisationRequest request, ServerCallContext context) =>
        ToContract(await register.AmendAsync(context.Caller(), request.AuthorisationId, request.ExpectedRevision, request.Reason,
            FromContract(request.Scope), FromContract(request.ExpiresOn), request.ClearExpiry, context.CancellationToken));

    public override async Task<Contracts.Approvals.V1.Authorisation> GetAuthorisation(GetAuthorisationRequest request, ServerCallContext context) =>
        ToContract(await register.GetAsync(request.AuthorisationId, context.CancellationToken));

    public override async Task<ListAuthorisationsResponse> ListAuthorisations(ListAuthorisationsRequest request, ServerCallContext context)
    {
        var (authorisations, next) = await register.ListAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.ProductId, request.Jurisdiction,
            FilterOf<Pathway>((int)request.Pathway, "pathway"), FilterOf<AuthorisationStatus>((int)request.Status, "status"), context.CancellationToken);
        return new ListAuthorisationsResponse { Authorisations = { authorisations.Select(ToContract) }, NextPageToken = next };
    }

    public override async Task<GetAuthorisationHistoryResponse> GetAuthorisationHistory(GetAuthorisationHistoryRequest request, ServerCallContext context)
    {
        var (entries, next) = await register.HistoryAsync(request.AuthorisationId, request.Page?.PageSize ?? 0, request.Page?.PageToken, context.CancellationToken);
        return new GetAuthorisationHistoryResponse { Entries = { entries.Select(ToContract) }, NextPageToken = next };
    }

    public override async Task<Matrix> GetMatrix(GetMatrixRequest request, ServerCallContext context) =>
        ToContract(await register.MatrixAsync(request.ProductId, request.CountryCode, FilterOf<Pathway>((int)request.Pathway, "pathway"), context.CancellationToken));

    public override async Task<UsageAnswer> CheckUsage(CheckUsageRequest request, ServerCallContext context) =>
        ToContract(await register.CheckUsageAsync(request.ProductId, request.CountryCode, request.AgeYears, request.Indication, request.InstitutionId,
            FromContract(request.Date), context.CancellationToken));

    public override async Task<ListRenewalsDueResponse> ListRenewalsDue(ListRenewalsDueRequest request, ServerCallContext context)
    {
        var (authorisations, next) = await register.RenewalsDueAsync(request.WithinDays, request.Jurisdiction, request.Page?.PageSize ?? 0,
            request.Page?.PageToken, context.CancellationToken);
        return new ListRenewalsDueResponse { Authorisations = { authorisations.Select(ToContract) }, NextPageToken = next };
    }
}
