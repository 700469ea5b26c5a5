using System.Security.Cryptography;

namespace CarTConsortium.Registry.Domain.Patients;

/// <summary>
/// The pseudonymisation secrets published with the demo (services/Standalone/appsettings.json
/// and tye.yaml), known here only by their SHA-256: the code holds no secret to leak, and a
/// configured secret is compared by its hash, never written anywhere.
/// </summary>
public static class DemoSecrets
{
    private static readonly byte[][] Hashes =
    [
        Convert.FromHexString("15d357e470a81dee1da1b0b934b0842bb1d62f3bbd37702f45fd8e7f87475e7e"),
        Convert.FromHexString("5d9147ae6321a1bd6d1d3aa0fb968d3c9476b4ed221af911c9b3ed3877e9b06d"),
        Convert.FromHexString("9560d76e4a2477eb083f55eb09afd1a1dc8cd558bddd12d8eeb61d9bc0aa8b2f"),
    ];

    /// <summary>Whether <paramref name="secret"/> (decoded) is one of the demo's published secrets.</summary>
    public static bool IsDemoSecret(ReadOnlySpan<byte> secret)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(secret, hash);
        var found = false;
        foreach (var known in Hashes)
        {
            found |= CryptographicOperations.FixedTimeEquals(hash, known);
        }
        return found;
    }
}
