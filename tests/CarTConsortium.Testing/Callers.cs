using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Testing;

/// <summary>Callers as a validated token would describe them, for use-case tests below the gRPC layer.</summary>
public static class Callers
{
    public static Caller Admin { get; } = new("admin", "consortium-admin", null, "consortium-secretariat", new HashSet<string> { Roles.ConsortiumAdmin });

    public static Caller Of(string role, string? country, string? org) =>
        new($"{role}@{org}", $"{org}-client", country, org, new HashSet<string> { role });
}

/// <summary>A federation of one trusted issuer, for wiring a module whose token checks a test does not exercise.</summary>
public static class FederationSettings
{
    public static IReadOnlyDictionary<string, string?> OneIssuer { get; } = new Dictionary<string, string?>
    {
        ["Federation:Issuers:0:Issuer"] = "https://id.kz.example/",
        ["Federation:Issuers:0:Country"] = "KZ",
    };
}
