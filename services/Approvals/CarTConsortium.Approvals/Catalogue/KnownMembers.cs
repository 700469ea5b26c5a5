using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Approvals.Catalogue;

/// <summary>A country or reference jurisdiction the registry admitted: what may be a jurisdiction here.</summary>
public sealed record KnownCountry(string CountryCode, string Name, bool IsMember, long RegistryVersion)
{
    public static readonly Collection<KnownCountry> Collection = new("known_countries");
}

/// <summary>An institution of the registry: what a hospital exemption or a trial may name.</summary>
public sealed record KnownInstitution(string InstitutionId, string CountryCode, long RegistryVersion)
{
    public static readonly Collection<KnownInstitution> Collection = new("known_institutions");
}

/// <summary>Keeps <see cref="KnownCountry"/> in step with the registry's CountryAdmitted.</summary>
public sealed class CountryProjection(IDocumentStore store) : IEventHandler<CountryAdmitted>
{
    public async Task HandleAsync(CountryAdmitted integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent.Country is not { CountryCode.Length: 2 } country)
        {
            throw new PoisonEventException("CountryAdmitted carries no country code.");
        }
        var incoming = new KnownCountry(country.CountryCode, country.Name, country.Membership == Membership.Member, country.Revision?.Version ?? 0);
        await context.UpsertNewerAsync(store, KnownCountry.Collection, incoming.CountryCode, incoming, c => c.RegistryVersion, ct);
    }
}

/// <summary>Keeps <see cref="KnownInstitution"/> in step with the registry's InstitutionChanged.</summary>
public sealed class InstitutionProjection(IDocumentStore store) : IEventHandler<InstitutionChanged>
{
    public async Task HandleAsync(InstitutionChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent.Institution is not { InstitutionId.Length: > 0 } institution)
        {
            throw new PoisonEventException("InstitutionChanged carries no institution id.");
        }
        var incoming = new KnownInstitution(institution.InstitutionId, institution.CountryCode, institution.Revision?.Version ?? 0);
        await context.UpsertNewerAsync(store, KnownInstitution.Collection, incoming.InstitutionId, incoming, i => i.RegistryVersion, ct);
    }
}
