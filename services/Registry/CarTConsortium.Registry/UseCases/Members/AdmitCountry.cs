using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

/// <param name="Membership">Null when the request leaves it unspecified.</param>
public sealed record AdmitCountryCommand(string CountryCode, string Name, Membership? Membership);

/// <summary>Admits a member country or a reference jurisdiction, and tells the other services (CountryAdmitted).</summary>
public sealed class AdmitCountry(IDocumentStore store, TimeProvider clock)
{
    public async Task<Stored<Country>> ExecuteAsync(AdmitCountryCommand command, CancellationToken ct)
    {
        var country = Country.Admit(command.CountryCode, command.Name, command.Membership, clock.GetUtcNow());
        var stored = Stored.Inserted(country.CountryCode, country);
        await store.CommitAsync(new ChangeSet()
            .Insert(RegistryCollections.Countries, country.CountryCode, country)
            .Raise(MemberEvents.CountryAdmitted(stored), clock), ct);
        return stored;
    }
}
