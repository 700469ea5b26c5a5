using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Events;
using CarTConsortium.Approvals.UseCases.Authorisations;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Approvals.Api;

/// <summary>Between approvals' use cases and its protobuf contract: requests to commands, results to responses.</summary>
internal static class ApprovalsMapping
{
    public static RecordAuthorisationCommand ToCommand(this Contract.RecordAuthorisationRequest request) => new(
        request.ProductId, request.Jurisdiction, EnumOf<Authority>((int)request.Authority), EnumOf<Pathway>((int)request.Pathway), FromContract(request.Scope),
        request.ReferenceAuthorisationId, request.Reason);

    public static ChangeAuthorisationStatusCommand ToCommand(this Contract.ChangeStatusRequest request) => new(
        request.AuthorisationId, EnumOf<AuthorisationStatus>((int)request.Status), request.ExpectedRevision, request.Reason,
        request.SubmittedOn.ToDateParts(), request.DecidedOn.ToDateParts(), request.EffectiveOn.ToDateParts(), request.ExpiresOn.ToDateParts());

    public static AmendAuthorisationCommand ToCommand(this Contract.AmendAuthorisationRequest request) => new(
        request.AuthorisationId, request.ExpectedRevision, request.Reason, FromContract(request.Scope), request.ExpiresOn.ToDateParts(), request.ClearExpiry);

    public static ListAuthorisationsCommand ToCommand(this Contract.ListAuthorisationsRequest request) => new(
        request.Page?.PageSize ?? 0, request.Page?.PageToken, request.ProductId, request.Jurisdiction,
        EnumOf<Pathway>((int)request.Pathway), EnumOf<AuthorisationStatus>((int)request.Status));

    public static GetAuthorisationHistoryCommand ToCommand(this Contract.GetAuthorisationHistoryRequest request) => new(
        request.AuthorisationId, request.Page?.PageSize ?? 0, request.Page?.PageToken);

    public static GetAuthorisationMatrixCommand ToCommand(this Contract.GetMatrixRequest request) => new(
        request.ProductId, request.CountryCode, EnumOf<Pathway>((int)request.Pathway), request.Page?.PageSize ?? 0, request.Page?.PageToken);

    public static CheckUsageCommand ToCommand(this Contract.CheckUsageRequest request) => new(
        request.ProductId, request.CountryCode, request.AgeYears, request.Indication, request.InstitutionId, request.Date.ToDateParts());

    public static ListRenewalsDueCommand ToCommand(this Contract.ListRenewalsDueRequest request) => new(
        request.WithinDays, request.Jurisdiction, request.Page?.PageSize ?? 0, request.Page?.PageToken);

    /// <summary>
    /// A contract enum number as the domain's (numbered alike): UNSPECIFIED is none; any other
    /// number is passed on as it is, for the use case or the domain to refuse when unknown.
    /// </summary>
    private static TDomain? EnumOf<TDomain>(int value) where TDomain : struct, System.Enum =>
        value == 0 ? null : (TDomain)(object)value;

    private static ScopeInput? FromContract(Contract.Scope? scope) =>
        scope is null ? null : new ScopeInput(scope.Indication, scope.MinAgeYears, scope.MaxAgeYears, [.. scope.InstitutionIds]);

    public static Contract.Authorisation ToContract(Stored<Authorisation> stored) => AuthorisationEvents.ToContract(stored);

    public static Contract.HistoryEntry ToContract(Stored<AuthorisationChange> stored) => new()
    {
        Revision = stored.Value.Revision,
        ChangedAt = Timestamp.FromDateTimeOffset(stored.Value.ChangedAt),
        Subject = stored.Value.Subject,
        ClientId = stored.Value.ClientId,
        CountryCode = stored.Value.CountryCode ?? "",
        Action = stored.Value.Action,
        Changes = { stored.Value.Changes.Select(c => new Contract.FieldChange { Field = c.Field, Before = c.Before, After = c.After }) },
        Reason = stored.Value.Reason,
    };

    public static Contract.Matrix ToContract(AuthorisationMatrixPage page) => new()
    {
        NextPageToken = page.NextPageToken,
        ProductIds = { page.Matrix.ProductIds },
        CountryCodes = { page.Matrix.CountryCodes },
        Cells =
        {
            page.Matrix.Cells.Select(c => new Contract.MatrixCell
            {
                ProductId = c.ProductId,
                CountryCode = c.CountryCode,
                UsableToday = c.UsableToday,
                Entries =
                {
                    c.Entries.Select(e => new Contract.MatrixEntry
                    {
                        AuthorisationId = e.AuthorisationId,
                        Pathway = (Contract.Pathway)e.Pathway,
                        Status = (Contract.AuthorisationStatus)e.Status,
                        ExpiresOn = e.ExpiresOn.ToContractDate(),
                    }),
                },
            }),
        },
    };

    public static Contract.UsageAnswer ToContract(UsageView usage)
    {
        var q = usage.Question;
        var answer = new Contract.UsageAnswer
        {
            Allowed = usage.AllowedBy is not null,
            Candidates =
            {
                usage.Verdicts.Select(v => new Contract.UsageCandidate
                {
                    AuthorisationId = v.Candidate.Id,
                    Pathway = (Contract.Pathway)v.Candidate.Value.Pathway,
                    Status = (Contract.AuthorisationStatus)v.Candidate.Value.Status,
                    Reasons = { v.Reasons },
                }),
            },
            Explanation = usage.AllowedBy is { } allowed
                ? $"Yes: {allowed.Candidate.Id} allows {q.ProductId} for this patient in {q.CountryCode} on {q.Date:yyyy-MM-dd}."
                : usage.Verdicts.Count == 0
                    ? $"No: no authorisation of {q.ProductId} is tracked in {q.CountryCode}."
                    : $"No: none of the {usage.Verdicts.Count} authorisations of {q.ProductId} in {q.CountryCode} allows this use; each candidate says why.",
        };
        if (usage.AllowedBy is { } by)
        {
            answer.AllowedBy = ToContract(by.Candidate);
        }
        return answer;
    }
}
