using CarTConsortium.ServiceDefaults.Security;

namespace CarTConsortium.Portal.Session;

/// <summary>One identity provider a person may sign in at: a member country's, or the consortium's.</summary>
/// <param name="Key">The URL segment and resource key: the country code in lower case, or "consortium".</param>
public sealed record SignInChoice(string Key, string? Country, TrustedIssuer Issuer)
{
    public const string ConsortiumKey = "consortium";

    /// <summary>The OpenID Connect scheme of this provider.</summary>
    public string Scheme => "oidc-" + Key;

    public string CallbackPath => "/callback/" + Key;

    public string SignedOutCallbackPath => "/signed-out/" + Key;
}

/// <summary>The providers of the <c>Federation</c> section, countries first (as configured), the consortium last.</summary>
public sealed class SignInChoices
{
    public SignInChoices(FederationOptions federation)
    {
        All = [.. federation.Issuers
            .Select(i => new SignInChoice(i.Consortium ? SignInChoice.ConsortiumKey : i.Country!.ToLowerInvariant(), i.Consortium ? null : i.Country, i))
            .OrderBy(c => c.Country is null)];
    }

    public IReadOnlyList<SignInChoice> All { get; }

    public SignInChoice? Find(string? key) => All.FirstOrDefault(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));

    public SignInChoice? FindByScheme(string? scheme) => All.FirstOrDefault(c => c.Scheme == scheme);
}
