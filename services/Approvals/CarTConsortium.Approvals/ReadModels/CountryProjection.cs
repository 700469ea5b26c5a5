using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Approvals.ReadModels;

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
        await context.UpsertNewerAsync(store, ApprovalsCollections.KnownCountries, incoming.CountryCode, incoming, c => c.RegistryVersion, ct);
    }
}
