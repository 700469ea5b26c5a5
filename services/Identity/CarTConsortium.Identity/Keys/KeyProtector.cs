using System.Security.Cryptography;
using System.Text;
using CarTConsortium.Identity.Storage;

namespace CarTConsortium.Identity.Keys;

/// <summary>
/// Encrypts the provider's private keys at rest with AES-256-GCM under the key-encryption key
/// <c>Identity:SigningKeys:EncryptionKey</c>, bound to the key's id and use so a stored blob cannot be
/// moved to another row. A copy of the database alone no longer lets anybody sign tokens.
/// </summary>
public sealed class KeyProtector(IdentitySettings settings)
{
    public const string Setting = $"Identity:{nameof(IdentitySettings.SigningKeys)}:{nameof(SigningKeySettings.EncryptionKey)}";

    // Not a DER SEQUENCE (0x30), so a blob is never mistaken for the PKCS#8 keys stored before.
    private static readonly byte[] Magic = "CTK1"u8.ToArray();
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key = Convert.FromBase64String(settings.SigningKeys.EncryptionKey);

    /// <summary>Whether <paramref name="stored"/> is an encrypted blob (rather than a key stored in clear by an older version).</summary>
    public static bool IsProtected(byte[] stored) => stored.AsSpan().StartsWith(Magic);

    public byte[] Protect(byte[] pkcs8, KeyMaterial record)
    {
        var blob = new byte[Magic.Length + NonceSize + TagSize + pkcs8.Length];
        Magic.CopyTo(blob, 0);
        var nonce = blob.AsSpan(Magic.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, pkcs8, blob.AsSpan(Magic.Length + NonceSize + TagSize), blob.AsSpan(Magic.Length + NonceSize, TagSize), AssociatedData(record));
        return blob;
    }

    /// <exception cref="InvalidOperationException">The blob was encrypted under another key (or altered); the message names the setting.</exception>
    public byte[] Unprotect(KeyMaterial record)
    {
        var blob = record.PrivateKey;
        if (!IsProtected(blob) || blob.Length < Magic.Length + NonceSize + TagSize)
        {
            throw new InvalidOperationException($"The stored key '{record.Id}' is not an encrypted key blob.");
        }
        var plain = new byte[blob.Length - Magic.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(blob.AsSpan(Magic.Length, NonceSize), blob.AsSpan(Magic.Length + NonceSize + TagSize),
                blob.AsSpan(Magic.Length + NonceSize, TagSize), plain, AssociatedData(record));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new InvalidOperationException(
                $"{Setting} does not decrypt the key '{record.Id}' stored in the provider's database ({settings.Issuer}): it is not the key "
                + "the stored keys were encrypted with, or the database was altered. Set it back to the key in use when the keys were stored.", e);
        }
        return plain;
    }

    private static byte[] AssociatedData(KeyMaterial record) => Encoding.UTF8.GetBytes($"{record.Use}:{record.Id}");
}
