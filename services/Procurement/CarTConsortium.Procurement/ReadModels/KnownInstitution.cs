namespace CarTConsortium.Procurement.ReadModels;

/// <summary>An institution of the registry: where a country's pooled units may be delivered.</summary>
public sealed record KnownInstitution(string InstitutionId, string CountryCode, string Name, long RegistryVersion);
