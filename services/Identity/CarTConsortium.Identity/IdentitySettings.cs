using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Identity.SignInProtection;
using CarTConsortium.Identity.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Identity;

/// <summary>
/// One provider's configuration, the section <c>Identity</c>. Read and checked once when the
/// module adds its services (<see cref="ValidatedSettings.GetValidatedSettings"/> with
/// <see cref="IdentitySettingsValidator"/>), so a bad deployment fails before it listens.
/// </summary>
public sealed class IdentitySettings : ISettingsSection, IValidatableObject
{
    public static string Section => "Identity";

    /// <summary>Absolute URL; every token's <c>iss</c>.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2 code of the member country; empty (read as none) for the consortium's provider.</summary>
    public string? Country
    {
        get;
        set => field = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>Connection string of the provider's database, for <see cref="DatabaseProvider"/>.</summary>
    public string Database { get; set; } = "";

    /// <summary>
    /// <c>Sqlite</c> (the default: standalone, one process per file) or <c>PostgreSql</c> (the cluster,
    /// where the replicas of one provider share the database).
    /// </summary>
    public string DatabaseProvider { get; set; } = DatabaseProviders.Sqlite;

    /// <summary>OpenIddict's transport security; false only on loopback (standalone, tests).</summary>
    public bool RequireHttps { get; set; } = true;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    public SigningKeySettings SigningKeys { get; set; } = new();

    public SignInProtectionSettings SignInProtection { get; set; } = new();

    public List<ClientSettings> Clients { get; set; } = [];

    public List<UserSettings> Users { get; set; } = [];

    /// <summary>The issuer as a URI; valid once <see cref="IdentitySettingsValidator"/> has passed.</summary>
    public Uri IssuerUri => new(Issuer, UriKind.Absolute);

    /// <summary>How long a key must stay verifiable after it stopped signing: the longest life of a token it signed.</summary>
    public TimeSpan KeyRetention => AccessTokenLifetime > RefreshTokenLifetime ? AccessTokenLifetime : RefreshTokenLifetime;

    public ClientSettings? FindClient(string? clientId) =>
        Clients.FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));

    /// <summary>The configuration's mistakes, all of them at once, each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Issuer, UriKind.Absolute, out var issuer) || issuer.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(issuer.Query) || !string.IsNullOrEmpty(issuer.Fragment))
        {
            yield return Setting.Problem(Section, nameof(Issuer), Issuer, "must be an absolute http(s) URL without query or fragment");
        }
        else if (RequireHttps && issuer.Scheme != Uri.UriSchemeHttps)
        {
            yield return Setting.Problem(Section, nameof(Issuer), Issuer, $"must use https while {Section}:{nameof(RequireHttps)} is true");
        }
        if (Country is not null && !IsAlpha2(Country))
        {
            yield return Setting.Problem(Section, nameof(Country), Country,
                "must be an ISO 3166-1 alpha-2 code in capitals, like KZ; leave it empty for the consortium's provider");
        }
        if (string.IsNullOrWhiteSpace(Database))
        {
            yield return Setting.Problem(Section, nameof(Database), Database, "must be a connection string");
        }
        if (DatabaseProviders.Find(DatabaseProvider) is null)
        {
            yield return Setting.Problem(Section, nameof(DatabaseProvider), DatabaseProvider,
                $"must be one of {string.Join(", ", DatabaseProviders.All)} (Sqlite for one process, PostgreSql for several replicas)");
        }
        if (AccessTokenLifetime <= TimeSpan.Zero)
        {
            yield return Setting.Problem(Section, nameof(AccessTokenLifetime), AccessTokenLifetime, "must be over 0");
        }
        if (RefreshTokenLifetime <= TimeSpan.Zero)
        {
            yield return Setting.Problem(Section, nameof(RefreshTokenLifetime), RefreshTokenLifetime, "must be over 0");
        }
        var keys = $"{Section}:{nameof(SigningKeys)}";
        if (SigningKeys.RotationPeriod <= TimeSpan.Zero)
        {
            yield return Setting.Problem(keys, nameof(SigningKeySettings.RotationPeriod), SigningKeys.RotationPeriod, "must be over 0");
        }
        if (SigningKeys.PublishAhead < TimeSpan.Zero || SigningKeys.PublishAhead >= SigningKeys.RotationPeriod)
        {
            yield return Setting.Problem(keys, nameof(SigningKeySettings.PublishAhead), SigningKeys.PublishAhead,
                $"must be at least 0 and shorter than {keys}:{nameof(SigningKeySettings.RotationPeriod)} ({SigningKeys.RotationPeriod.ToString("c", CultureInfo.InvariantCulture)})");
        }
        if (string.IsNullOrWhiteSpace(SigningKeys.EncryptionKey))
        {
            yield return Setting.Problem(keys, nameof(SigningKeySettings.EncryptionKey), "",
                "is required: base64 of 32 random bytes (e.g. openssl rand -base64 32), kept in a secret; it encrypts the private keys in the database");
        }
        else if (!SigningKeys.HasValidEncryptionKey())
        {
            // The value is a secret: never repeated in a message.
            yield return Setting.Problem(keys, nameof(SigningKeySettings.EncryptionKey), "(hidden)", "must be base64 of exactly 32 bytes (e.g. openssl rand -base64 32)");
        }
        foreach (var problem in SignInProtection.Validate().Concat(ClientProblems()).Concat(UserProblems()))
        {
            yield return problem;
        }
    }

    private IEnumerable<ValidationResult> ClientProblems()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Clients.Count; i++)
        {
            var client = Clients[i];
            var at = $"{Section}:{nameof(Clients)}:{i}";
            if (string.IsNullOrWhiteSpace(client.ClientId))
            {
                yield return Setting.Problem(at, nameof(ClientSettings.ClientId), client.ClientId, "is required");
            }
            else if (!seen.Add(client.ClientId))
            {
                yield return Setting.Problem(at, nameof(ClientSettings.ClientId), client.ClientId, "is used by another client");
            }
            if (client.Public)
            {
                if (!string.IsNullOrEmpty(client.ClientSecret))
                {
                    // The secret itself is never repeated in a message.
                    yield return Setting.Problem(at, nameof(ClientSettings.ClientSecret), "(set)", $"client '{client.ClientId}' is public and must not have a ClientSecret");
                }
                if (client.RedirectUris.Count == 0)
                {
                    yield return Setting.Problem(at, nameof(ClientSettings.RedirectUris), "", $"client '{client.ClientId}' is public and needs at least one RedirectUris entry");
                }
            }
            else
            {
                if (string.IsNullOrEmpty(client.ClientSecret))
                {
                    yield return Setting.Problem(at, nameof(ClientSettings.ClientSecret), "", $"client '{client.ClientId}' is confidential and needs a ClientSecret");
                }
                // A confidential client acts for its institution (client credentials), so the token must name it.
                if (string.IsNullOrWhiteSpace(client.Org))
                {
                    yield return Setting.Problem(at, nameof(ClientSettings.Org), client.Org, $"client '{client.ClientId}' is confidential and needs an Org");
                }
            }
            foreach (var problem in RoleProblems(at, client.Roles))
            {
                yield return problem;
            }
            foreach (var scope in client.Scopes.Where(s => !IdentityVocabulary.ServiceScopes.Contains(s) && !IdentityVocabulary.PersonScopes.Contains(s)))
            {
                yield return Setting.Problem(at, nameof(ClientSettings.Scopes), scope,
                    $"is an unknown scope; known: {string.Join(", ", IdentityVocabulary.ServiceScopes.Concat(IdentityVocabulary.PersonScopes))}");
            }
            foreach (var (uri, name) in client.RedirectUris.Select(u => (u, nameof(ClientSettings.RedirectUris)))
                .Concat(client.PostLogoutRedirectUris.Select(u => (u, nameof(ClientSettings.PostLogoutRedirectUris)))))
            {
                if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !string.IsNullOrEmpty(parsed.Fragment))
                {
                    yield return Setting.Problem(at, name, uri, "must be absolute and without fragment");
                }
            }
        }
    }

    private IEnumerable<ValidationResult> UserProblems()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Users.Count; i++)
        {
            var user = Users[i];
            var at = $"{Section}:{nameof(Users)}:{i}";
            if (string.IsNullOrWhiteSpace(user.UserName))
            {
                yield return Setting.Problem(at, nameof(UserSettings.UserName), user.UserName, "is required");
            }
            else if (!seen.Add(user.UserName))
            {
                yield return Setting.Problem(at, nameof(UserSettings.UserName), user.UserName, "is used by another user");
            }
            if (string.IsNullOrEmpty(user.Password))
            {
                yield return Setting.Problem(at, nameof(UserSettings.Password), "", $"user '{user.UserName}' needs a Password");
            }
            if (string.IsNullOrWhiteSpace(user.Org))
            {
                yield return Setting.Problem(at, nameof(UserSettings.Org), user.Org, $"user '{user.UserName}' needs an Org");
            }
            foreach (var problem in RoleProblems(at, user.Roles))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<ValidationResult> RoleProblems(string at, List<string> roles) =>
        roles.Where(r => !IdentityVocabulary.KnownRoles.Contains(r))
            .Select(role => Setting.Problem(at, nameof(ClientSettings.Roles), role, $"is an unknown role; known: {string.Join(", ", IdentityVocabulary.KnownRoles)}"));

    private static bool IsAlpha2(string code) => code.Length == 2 && code.All(char.IsAsciiLetterUpper);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Issuer} ({Country ?? "consortium"})");
}

/// <summary>Checks <see cref="IdentitySettings"/> before the provider is wired, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class IdentitySettingsValidator : IValidateOptions<IdentitySettings>;

public sealed class SigningKeySettings
{
    /// <summary>Time between two activations of signing keys.</summary>
    public TimeSpan RotationPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a key is in the JWKS before it signs, so resource servers have fetched it.</summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// The key-encryption key: base64 of 32 random bytes (<c>openssl rand -base64 32</c>), from a secret.
    /// The private keys in the database are encrypted with it (AES-256-GCM); changing it makes them unreadable.
    /// </summary>
    public string EncryptionKey { get; set; } = "";

    /// <summary>Whether <see cref="EncryptionKey"/> is base64 of exactly 32 bytes.</summary>
    public bool HasValidEncryptionKey()
    {
        Span<byte> key = stackalloc byte[33];
        return Convert.TryFromBase64String(EncryptionKey, key, out var length) && length == 32;
    }
}

public sealed class ClientSettings
{
    public string ClientId { get; set; } = "";

    /// <summary>Confidential clients only. Stored hashed by OpenIddict.</summary>
    public string? ClientSecret { get; set; }

    public string? DisplayName { get; set; }

    /// <summary>A browser or mobile app: no secret, authorization code with PKCE only.</summary>
    public bool Public { get; set; }

    /// <summary>The institution a confidential client acts for (client credentials tokens).</summary>
    public string? Org { get; set; }

    public List<string> Roles { get; set; } = [];

    /// <summary>The only scopes the client may get.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>Where authorization codes may go; a confidential client with some may also sign people in.</summary>
    public List<string> RedirectUris { get; set; } = [];

    public List<string> PostLogoutRedirectUris { get; set; } = [];
}

public sealed class UserSettings
{
    public string UserName { get; set; } = "";

    /// <summary>Hashed when synchronised into the database; never kept in clear there.</summary>
    public string Password { get; set; } = "";

    public string? DisplayName { get; set; }

    public string Org { get; set; } = "";

    public List<string> Roles { get; set; } = [];
}
