namespace CarTConsortium.Approvals.ReadModels;

/// <summary>Approvals' own copy of a product of the registry's catalogue, fed by its events (<see cref="ProductProjection"/>).</summary>
public sealed record KnownProduct(string ProductId, string Name, long RegistryVersion);
