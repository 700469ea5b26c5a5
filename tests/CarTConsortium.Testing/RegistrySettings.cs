namespace CarTConsortium.Testing;

/// <summary>Pseudonymisation secrets for tests that build the registry module: one random-looking secret per demo country.</summary>
public static class RegistrySettings
{
    public static IReadOnlyDictionary<string, string?> Pseudonymisation { get; } = new Dictionary<string, string?>
    {
        ["Registry:Pseudonymisation:CountrySecrets:KZ"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray()),
        ["Registry:Pseudonymisation:CountrySecrets:UZ"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 11)).ToArray()),
        ["Registry:Pseudonymisation:CountrySecrets:KG"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 13)).ToArray()),
    };
}
