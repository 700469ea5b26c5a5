using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Approvals;

/// <summary>Between approvals' stored records and its protobuf contract.</summary>
internal static class ApprovalsMapping
{
    public static Contract.Authorisation ToContract(Stored<Authorisation> stored) => new()
    {
        AuthorisationId = stored.Value.AuthorisationId,
        ProductId = stored.Value.ProductId,
        Jurisdiction = stored.Value.Jurisdiction,
        Authority = (Contract.Authority)stored.Value.Authority,
        Pathway = (Contract.Pathway)stored.Value.Pathway,
        Status = (Contract.AuthorisationStatus)stored.Value.Status,
        RecordedAt = Timestamp.FromDateTimeOffset(stored.Value.RecordedAt),
        Revision = new Contracts.Common.V1.Revision { Version = stored.Version },
    };

    /// <summary>A contract enum value as the domain's, or null for UNSPECIFIED and unknown numbers.</summary>
    public static TDomain? FromContract<TDomain>(int value) where TDomain : struct, System.Enum =>
        System.Enum.IsDefined(typeof(TDomain), value) ? (TDomain)(object)value : null;
}
