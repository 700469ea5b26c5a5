using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Approvals.Events;

/// <summary>
/// What approvals publishes: every change of an authorisation as AuthorisationChanged with
/// the whole authorisation as it became. The RPCs answer with the same message, and
/// subscribers read it back with <see cref="AuthorisationContract.FromContract"/>.
/// </summary>
public static class AuthorisationEvents
{
    public static Contract.AuthorisationChanged Changed(Stored<Authorisation> stored) => new() { Authorisation = ToContract(stored) };

    /// <summary>The authorisation at its revision; the domain's enums are numbered as the contract's.</summary>
    public static Contract.Authorisation ToContract(Stored<Authorisation> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
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
            SubmittedOn = a.SubmittedOn.ToContractDate(),
            DecidedOn = a.DecidedOn.ToContractDate(),
            EffectiveOn = a.EffectiveOn.ToContractDate(),
            ExpiresOn = a.ExpiresOn.ToContractDate(),
            SuspendedFrom = (Contract.AuthorisationStatus)(int)(a.SuspendedFrom ?? 0),
        };
    }
}
