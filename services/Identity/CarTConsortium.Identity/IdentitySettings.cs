using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CarTConsortium.Identity;

/// <summary>
/// One provider's configuration, the section <c>Identity</c>. Read and checked once when the
/// module adds its services, so a bad deployment fails before it listens.
/// </summary>
public sealed class IdentitySettings
{
    public const string Section = "Identity";

    /// <summary>Absolute URL; every token's <c>iss</c>.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2 code of the member country; empty for the consortium's provider.</summary>
    public string? Country { get; set; }

    /// <summary>Connection string of the provider's database (SQLite unless the host chose another provider).</summary>
    public string Database { get; set; } = "";

    /// <summary>OpenIddict's transport security; false only on loopback (standalone, tests).</summary>
    public bool RequireHttps { get; set; } = true;

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    public SigningKeySettings SigningKeys { get; set; } = new();

    public List<ClientSettings> Clients { get; set; } = [];

    public List<UserSettings> Users { get; set; } = [];

    /// <summary>The issuer as a URI; valid once <see cref="Load"/> has passed.</summary>
    public Uri IssuerUri => new(Issuer, UriKind.Absolute);

    /// <summary>How long a key must stay verifiable after it stopped signing: the longest life of a token it signed.</summary>
    public TimeSpan KeyRetention => AccessTokenLifetime > RefreshTokenLifetime ? AccessTokenLifetime : RefreshTokenLifetime;

    public ClientSettings? FindClient(string? clientId) =>
        Clients.FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));

    /// <summary>Binds and checks the section; throws <see cref="IdentityConfigurationException"/> listing every problem.</summary>
    public static IdentitySettings Load(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<IdentitySettings>() ?? new IdentitySettings();
        settings.Country = string.IsNullOrWhiteSpace(settings.Country) ? null : settings.Country.Trim();
        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new IdentityConfigurationException(errors);
        }
        return settings;
    }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(Issuer, UriKind.Absolute, out var issuer) || issuer.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(issuer.Query) || !string.IsNullOrEmpty(issuer.Fragment))
        {
            errors.Add($"{Section}:Issuer must be an absolute http(s) URL without query or fragment (got '{Issuer}').");
        }
        else if (RequireHttps && issuer.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"{Section}:Issuer must use https while {Section}:RequireHttps is true (got '{Issuer}').");
        }
        if (Country is not null && !IsAlpha2(Country))
        {
            errors.Add($"{Section}:Country must be an ISO 3166-1 alpha-2 code in capitals, like KZ (got '{Country}'); leave it empty for the consortium's provider.");
        }
        if (string.IsNullOrWhiteSpace(Database))
        {
            errors.Add($"{Section}:Database must be a connection string.");
        }
        if (AccessTokenLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:AccessTokenLifetime must be positive.");
        }
        if (RefreshTokenLifetime <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:RefreshTokenLifetime must be positive.");
        }
        if (SigningKeys.RotationPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:SigningKeys:RotationPeriod must be positive.");
        }
        if (SigningKeys.PublishAhead < TimeSpan.Zero || SigningKeys.PublishAhead >= SigningKeys.RotationPeriod)
        {
            errors.Add($"{Section}:SigningKeys:PublishAhead must be at least zero and shorter than RotationPeriod.");
        }
        ValidateClients(errors);
        ValidateUsers(errors);
        return errors;
    }

    private void ValidateClients(List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Clients.Count; i++)
        {
            var client = Clients[i];
            var at = $"{Section}:Clients:{i}";
            if (string.IsNullOrWhiteSpace(client.ClientId))
            {
                errors.Add($"{at}:ClientId is required.");
            }
            else if (!seen.Add(client.ClientId))
            {
                errors.Add($"{at}:ClientId '{client.ClientId}' is used by another client.");
            }
            if (client.Public)
            {
                if (!string.IsNullOrEmpty(client.ClientSecret))
                {
                    errors.Add($"{at} ('{client.ClientId}') is public and must not have a ClientSecret.");
                }
                if (client.RedirectUris.Count == 0)
                {
                    errors.Add($"{at} ('{client.ClientId}') is public and needs at least one RedirectUris entry.");
                }
            }
            else
            {
                if (string.IsNullOrEmpty(client.ClientSecret))
                {
                    errors.Add($"{at} ('{client.ClientId}') is confidential and needs a ClientSecret.");
                }
                // A confidential client acts for its institution (client credentials), so the token must name it.
                if (string.IsNullOrWhiteSpace(client.Org))
                {
                    errors.Add($"{at} ('{client.ClientId}') is confidential and needs an Org.");
                }
            }
            ValidateRoles(errors, at, client.Roles);
            foreach (var scope in client.Scopes.Where(s => !IdentityVocabulary.ServiceScopes.Contains(s) && !IdentityVocabulary.PersonScopes.Contains(s)))
            {
                errors.Add($"{at}:Scopes has unknown scope '{scope}'; known: {string.Join(", ", IdentityVocabulary.ServiceScopes.Concat(IdentityVocabulary.PersonScopes))}.");
            }
            foreach (var uri in client.RedirectUris.Concat(client.PostLogoutRedirectUris))
            {
                if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !string.IsNullOrEmpty(parsed.Fragment))
                {
                    errors.Add($"{at}: redirect URI '{uri}' must be absolute and without fragment.");
                }
            }
        }
    }

    private void ValidateUsers(List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Users.Count; i++)
        {
            var user = Users[i];
            var at = $"{Section}:Users:{i}";
            if (string.IsNullOrWhiteSpace(user.UserName))
            {
                errors.Add($"{at}:UserName is required.");
            }
            else if (!seen.Add(user.UserName))
            {
                errors.Add($"{at}:UserName '{user.UserName}' is used by another user.");
            }
            if (string.IsNullOrEmpty(user.Password))
            {
                errors.Add($"{at} ('{user.UserName}') needs a Password.");
            }
            if (string.IsNullOrWhiteSpace(user.Org))
            {
                errors.Add($"{at} ('{user.UserName}') needs an Org.");
            }
            ValidateRoles(errors, at, user.Roles);
        }
    }

    private static void ValidateRoles(List<string> errors, string at, List<string> roles)
    {
        foreach (var role in roles.Where(r => !IdentityVocabulary.KnownRoles.Contains(r)))
        {
            errors.Add($"{at}:Roles has unknown role '{role}'; known: {string.Join(", ", IdentityVocabulary.KnownRoles)}.");
        }
    }

    private static bool IsAlpha2(string code) => code.Length == 2 && code.All(char.IsAsciiLetterUpper);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Issuer} ({Country ?? "consortium"})");
}

public sealed class SigningKeySettings
{
    /// <summary>Time between two activations of signing keys.</summary>
    public TimeSpan RotationPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a key is in the JWKS before it signs, so resource servers have fetched it.</summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromDays(2);
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

public sealed class IdentityConfigurationException(IReadOnlyList<string> errors)
    : Exception("The Identity configuration is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => " - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
