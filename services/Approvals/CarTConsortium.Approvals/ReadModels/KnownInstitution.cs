namespace CarTConsortium.Approvals.ReadModels;

/// <summary>An institution of the registry: what a hospital exemption or a trial may name (<see cref="InstitutionProjection"/>).</summary>
public sealed record KnownInstitution(string InstitutionId, string CountryCode, long RegistryVersion);
