using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf.WellKnownTypes;
using CarTConsortium.ServiceDefaults;
using Contract = CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Approvals;

/// <summary>Between approvals' stored records and its protobuf contract.</summary>
internal static class ApprovalsMapping
{
    public static Contract.Authorisation ToContract(Stored<Authorisation> stored)
    {
        var a = stored.Value;
        return new Contract.Authorisation
        {
            AuthorisationId = a.AuthorisationId,
            ProductId = a.ProductId,
            Jurisdiction = a.Jurisdiction,
            Authority = (Contract.Authority)a.Authority,
            Pathway = (Contract.Pathway)a.Pathway,
            Status = (Contract.AuthorisationStatus)a.Status,
            RecordedAt = Timestamp.FromDateTimeOffset(a.RecordedAt),
            Revision = new Contracts.Common.V1.Revision { Version = stored.Version },
            Scope = AuthorisationContract.ToContract(a.Scope),
            ReferenceAuthorisationId = a.ReferenceAuthorisationId ?? "",
            SubmittedOn = ToContract(a.SubmittedOn),
            DecidedOn = ToContract(a.DecidedOn),
            EffectiveOn = ToContract(a.EffectiveOn),
            ExpiresOn = ToContract(a.ExpiresOn),
            SuspendedFrom = (Contract.AuthorisationStatus)(int)(a.SuspendedFrom ?? 0),
        };
    }

    public static ScopeInput? FromContract(Contract.Scope? scope) =>
        scope is null ? null : new ScopeInput(scope.Indication, scope.MinAgeYears, scope.MaxAgeYears, [.. scope.InstitutionIds]);

    public static DateParts? FromContract(Google.Type.Date? date) => date.ToDateParts();

    public static Google.Type.Date? ToContract(DateOnly? day) => day.ToContractDate();

    /// <summary>A contract enum value as the domain's, or null for UNSPECIFIED and unknown numbers.</summary>
    public static TDomain? FromContract<TDomain>(int value) where TDomain : struct, System.Enum => AuthorisationContract.EnumOf<TDomain>(value);

    /// <summary>An optional enum filter: UNSPECIFIED is no filter; a number the service does not know is INVALID_ARGUMENT on <paramref name="field"/>.</summary>
    public static TDomain? FilterOf<TDomain>(int value, string field) where TDomain : struct, System.Enum
    {
        new Validator().Check(value == 0 || FromContract<TDomain>(value) is not null, field, "is not a value this service knows").ThrowIfInvalid();
        return FromContract<TDomain>(value);
    }

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

    public static Contract.Matrix ToContract(MatrixView matrix) => new()
    {
        ProductIds = { matrix.ProductIds },
        CountryCodes = { matrix.CountryCodes },
        Cells =
        {
            matrix.Cells.Select(c => new Contract.MatrixCell
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
                        ExpiresOn = ToContract(e.ExpiresOn),
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
