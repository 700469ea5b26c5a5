using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Identity.Keys;

/// <summary>
/// The ASP.NET data-protection keys (login cookies, anti-forgery tokens) live in the provider's database
/// so every replica reads the same ring; like the signing keys they are encrypted there with AES-256-GCM,
/// under a key derived (HKDF) from <c>Identity:SigningKeys:EncryptionKey</c>, so a copy of the database
/// alone forges no login cookie.
/// </summary>
internal static class DataProtectionKeyEncryption
{
    private const string ElementName = "encryptedKey";
    private const string ValueName = "value";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Purpose = "CAR-T Consortium identity: data-protection keys"u8.ToArray();

    public static byte[] DeriveKey(IdentitySettings settings) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(settings.SigningKeys.EncryptionKey), 32, info: Purpose);

    public static XElement Encrypt(byte[] key, XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var blob = new byte[NonceSize + TagSize + plain.Length];
        RandomNumberGenerator.Fill(blob.AsSpan(0, NonceSize));
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(blob.AsSpan(0, NonceSize), plain, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize));
        }
        CryptographicOperations.ZeroMemory(plain);
        return new XElement(ElementName,
            new XComment($" AES-256-GCM under a key derived from {KeyProtector.Setting} "),
            new XElement(ValueName, Convert.ToBase64String(blob)));
    }

    /// <exception cref="InvalidOperationException">Encrypted under another key-encryption key; the message names the setting.</exception>
    public static XElement Decrypt(byte[] key, XElement encryptedElement)
    {
        var blob = Convert.FromBase64String((string?)encryptedElement.Element(ValueName)
            ?? throw new InvalidOperationException($"A data-protection key in the provider's database has no <{ValueName}>."));
        if (blob.Length < NonceSize + TagSize)
        {
            throw new InvalidOperationException("A data-protection key in the provider's database is truncated.");
        }
        var plain = new byte[blob.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), plain);
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new InvalidOperationException(
                $"{KeyProtector.Setting} does not decrypt the data-protection keys in the provider's database: set it back to the key in use when they were stored.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}

/// <summary>Encrypts each data-protection key before it is stored (set as <c>KeyManagementOptions.XmlEncryptor</c>).</summary>
internal sealed class DataProtectionKeyEncryptor(IdentitySettings settings) : IXmlEncryptor
{
    private readonly byte[] _key = DataProtectionKeyEncryption.DeriveKey(settings);

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(DataProtectionKeyEncryption.Encrypt(_key, plaintextElement), typeof(DataProtectionKeyDecryptor));
}

/// <summary>Decrypts stored data-protection keys; created by the data-protection system by type name, with the app's services.</summary>
internal sealed class DataProtectionKeyDecryptor(IServiceProvider services) : IXmlDecryptor
{
    private readonly byte[] _key = DataProtectionKeyEncryption.DeriveKey(services.GetRequiredService<IdentitySettings>());

    public XElement Decrypt(XElement encryptedElement) => DataProtectionKeyEncryption.Decrypt(_key, encryptedElement);
}
