using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Registry.Domain.Patients;

/// <summary>
/// Turns a child's national identifier into the pseudonym the registry knows the child by,
/// with the secret of the country that issued the identifier. The same child always gets
/// the same pseudonym in one country (so enrolling twice is detected), nobody without the
/// secret can link the pseudonym back to the identifier, and the identifier is kept
/// nowhere: not in a field, not in a message, not in an exception.
/// </summary>
/// <remarks>
/// The pseudonym is the country code, a dash, then the first 80 bits of
/// HMAC-SHA256(secret, UTF-8 of "cart-consortium/pseudonym/v1|" + country + "|" + identifier)
/// in Crockford base32 (digits and capitals without I, L, O, U), in four groups of four:
/// e.g. <c>KZ-7F3K-9Q2M-4N5P-R8TV</c>. The identifier is normalised first: whitespace and
/// dashes are removed and letters are upper-cased, so "0101 5050-0123" and "010150500123"
/// are the same child. 80 bits keep the chance that two of a million children collide
/// below one in a billion.
/// </remarks>
public sealed partial class Pseudonymiser
{
    public const int MinNationalIdLength = 4;
    public const int MaxNationalIdLength = 32;

    /// <summary>What a national_id violation says; it never repeats the value.</summary>
    public const string NationalIdRule = "must be 4-32 Latin letters or digits (spaces and dashes are ignored)";

    private const string DomainSeparation = "cart-consortium/pseudonym/v1|";
    private const int PseudonymBits = 80;
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private readonly Dictionary<string, byte[]> _secrets;

    /// <summary>
    /// Takes the countries whose secrets decode to at least <see cref="PseudonymisationOptions.MinSecretBytes"/>
    /// bytes. The settings validator refuses to start on anything less, so in a running app every
    /// configured country is here; a country left out is refused by <see cref="Derive"/> like one not configured.
    /// </summary>
    public Pseudonymiser(PseudonymisationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _secrets = options.CountrySecrets
            .Select(p => (Country: p.Key, Secret: PseudonymisationOptions.Decode(p.Value)))
            .Where(p => p.Secret is { Length: >= PseudonymisationOptions.MinSecretBytes })
            .ToDictionary(p => p.Country, p => p.Secret!, StringComparer.Ordinal);
    }

    /// <summary>The countries whose patients can be enrolled, in alphabetical order.</summary>
    public IReadOnlyList<string> Countries => [.. _secrets.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The pseudonym of the child whose identifier <paramref name="countryCode"/> issued.</summary>
    /// <exception cref="InvalidArgumentException">On country_code or national_id; the identifier is never repeated.</exception>
    /// <exception cref="RuleViolationException">The registry holds no secret for the country.</exception>
    public string Derive(string countryCode, string nationalId)
    {
        var validator = new Validator().CountryCode(countryCode, "country_code");
        CheckNationalId(nationalId, validator);
        validator.ThrowIfInvalid();
        var secret = SecretOf(countryCode);

        Span<char> normalised = stackalloc char[MaxNationalIdLength];
        Span<byte> message = stackalloc byte[DomainSeparation.Length + 3 + MaxNationalIdLength];
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        try
        {
            Normalise(nationalId, normalised, out var length);
            // Every character is ASCII by now, so each is one UTF-8 byte.
            var at = 0;
            foreach (var c in DomainSeparation)
            {
                message[at++] = (byte)c;
            }
            message[at++] = (byte)countryCode[0];
            message[at++] = (byte)countryCode[1];
            message[at++] = (byte)'|';
            foreach (var c in normalised[..length])
            {
                message[at++] = (byte)c;
            }
            HMACSHA256.HashData(secret, message[..at], hash);
            return countryCode + "-" + Base32Groups(hash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(normalised));
            CryptographicOperations.ZeroMemory(message);
        }
    }

    /// <summary>Whether <paramref name="value"/> has the exact shape of a pseudonym, e.g. KZ-7F3K-9Q2M-4N5P-R8TV.</summary>
    public static bool IsPseudonym(string? value) => value is not null && PseudonymPattern().IsMatch(value);

    /// <summary>Adds a national_id violation unless <paramref name="nationalId"/> normalises to 4-32 letters and digits.</summary>
    internal static void CheckNationalId(string? nationalId, Validator validator)
    {
        if (string.IsNullOrWhiteSpace(nationalId))
        {
            validator.Check(false, "national_id", "is required");
            return;
        }
        Span<char> normalised = stackalloc char[MaxNationalIdLength];
        validator.Check(Normalise(nationalId, normalised, out _), "national_id", NationalIdRule);
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(normalised));
    }

    /// <summary>Fails with a rule violation naming the country only when it has no secret.</summary>
    internal byte[] SecretOf(string countryCode) =>
        _secrets.TryGetValue(countryCode, out var secret)
            ? secret
            : throw new RuleViolationException(
                $"The registry holds no pseudonymisation secret for {countryCode}, so patients with an identifier of {countryCode} cannot be enrolled yet.");

    // Whitespace and dashes (of any kind: a copied identifier may hold an en dash or a
    // non-breaking space) are dropped; anything else must be an ASCII letter or digit, so
    // a Cyrillic look-alike cannot give the same child a second pseudonym.
    private static bool Normalise(ReadOnlySpan<char> raw, Span<char> normalised, out int length)
    {
        length = 0;
        foreach (var c in raw)
        {
            if (char.IsWhiteSpace(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DashPunctuation)
            {
                continue;
            }
            if (!char.IsAsciiLetterOrDigit(c) || length == MaxNationalIdLength)
            {
                return false;
            }
            normalised[length++] = char.ToUpperInvariant(c);
        }
        return length >= MinNationalIdLength;
    }

    private static string Base32Groups(ReadOnlySpan<byte> hash)
    {
        Span<char> text = stackalloc char[PseudonymBits / 5 + 3];
        var written = 0;
        for (var symbol = 0; symbol < PseudonymBits / 5; symbol++)
        {
            if (symbol > 0 && symbol % 4 == 0)
            {
                text[written++] = '-';
            }
            var value = 0;
            for (var bit = symbol * 5; bit < symbol * 5 + 5; bit++)
            {
                value = (value << 1) | ((hash[bit / 8] >> (7 - bit % 8)) & 1);
            }
            text[written++] = Crockford[value];
        }
        return new string(text[..written]);
    }

    [GeneratedRegex(@"^[A-Z]{2}(-[0-9A-HJKMNP-TV-Z]{4}){4}\z")]
    private static partial Regex PseudonymPattern();
}
