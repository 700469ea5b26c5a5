using System.Security.Claims;
using CarTConsortium.Identity.Storage;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CarTConsortium.Identity;

/// <summary>What a token says about its subject, and which token says it.</summary>
internal static class TokenClaims
{
    /// <summary>A system acting for its institution (client credentials): the subject is the client.</summary>
    public static ClaimsIdentity ForClient(ClientSettings client, IdentitySettings settings)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, client.ClientId);
        AddMembership(identity, settings.Country, client.Org, client.Roles);
        return identity;
    }

    /// <summary>A person, with the roles and institution the provider holds for them now.</summary>
    public static ClaimsIdentity ForUser(UserAccount user, IdentitySettings settings)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, user.Id);
        identity.SetClaim(Claims.Name, user.DisplayName ?? user.UserName);
        identity.SetClaim(Claims.PreferredUsername, user.UserName);
        AddMembership(identity, settings.Country, user.Org, user.RoleList);
        return identity;
    }

    /// <summary>Sets the granted scopes and resources and where every claim goes.</summary>
    public static ClaimsPrincipal Finish(ClaimsIdentity identity, IEnumerable<string> scopes, IEnumerable<string> resources)
    {
        identity.SetScopes(scopes);
        identity.SetResources(resources);
        identity.SetDestinations(DestinationsOf);
        return new ClaimsPrincipal(identity);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

    // The country is the provider's own, never the client's or the user's: a provider speaks for one country.
    private static void AddMembership(ClaimsIdentity identity, string? country, string? org, IEnumerable<string> roles)
    {
        if (country is not null)
        {
            identity.SetClaim(IdentityVocabulary.CountryClaim, country);
        }
        if (!string.IsNullOrEmpty(org))
        {
            identity.SetClaim(IdentityVocabulary.OrgClaim, org);
        }
        foreach (var role in roles.Distinct(StringComparer.Ordinal))
        {
            identity.AddClaim(new Claim(IdentityVocabulary.RoleClaim, role));
        }
    }

    private static IEnumerable<string> DestinationsOf(Claim claim)
    {
        var principal = claim.Subject;
        switch (claim.Type)
        {
            case Claims.Subject:
                yield return Destinations.AccessToken;
                yield return Destinations.IdentityToken;
                break;
            case IdentityVocabulary.CountryClaim or IdentityVocabulary.OrgClaim or IdentityVocabulary.RoleClaim:
                yield return Destinations.AccessToken;
                if (principal is not null && principal.HasScope(Scopes.OpenId))
                {
                    yield return Destinations.IdentityToken;
                }
                break;
            case Claims.Name or Claims.PreferredUsername:
                if (principal is not null && principal.HasScope(Scopes.Profile))
                {
                    yield return Destinations.IdentityToken;
                }
                break;
        }
    }
}
