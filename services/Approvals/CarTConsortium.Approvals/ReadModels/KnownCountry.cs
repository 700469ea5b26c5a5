namespace CarTConsortium.Approvals.ReadModels;

/// <summary>A country or reference jurisdiction the registry admitted: what may be a jurisdiction here (<see cref="CountryProjection"/>).</summary>
public sealed record KnownCountry(string CountryCode, string Name, bool IsMember, long RegistryVersion);
