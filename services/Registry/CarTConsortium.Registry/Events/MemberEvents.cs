using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Registry.Api;
using Agreement = CarTConsortium.Registry.Domain.Members.Agreement;
using Country = CarTConsortium.Registry.Domain.Members.Country;
using Institution = CarTConsortium.Registry.Domain.Members.Institution;

namespace CarTConsortium.Registry.Events;

/// <summary>
/// What the registry tells other services about its members. Every event carries the whole
/// entity as the API shows it, which other services project instead of keeping hand-typed
/// copies (slots: institutions and agreements).
/// </summary>
internal static class MemberEvents
{
    public static CountryAdmitted CountryAdmitted(Stored<Country> country) => new() { Country = RegistryMapping.ToContract(country) };

    public static AgreementChanged AgreementChanged(Stored<Agreement> agreement) => new() { Agreement = RegistryMapping.ToContract(agreement) };

    public static InstitutionChanged InstitutionChanged(Stored<Institution> institution) => new() { Institution = RegistryMapping.ToContract(institution) };
}
