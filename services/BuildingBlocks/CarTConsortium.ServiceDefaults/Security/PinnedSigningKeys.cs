using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>
/// An issuer's signing keys read from a JWKS file the operator provides (e.g. a mounted
/// Secret), instead of fetched from the issuer: nothing crosses the network, so nothing can be
/// swapped on the way. The file is read again at every metadata refresh, so a rotated Secret is followed.
/// </summary>
public static class PinnedSigningKeys
{
    public static async Task<OpenIdConnectConfiguration> LoadAsync(TrustedIssuer issuer, string path, CancellationToken ct)
    {
        var keys = new JsonWebKeySet(await File.ReadAllTextAsync(path, ct));
        var configuration = new OpenIdConnectConfiguration { Issuer = issuer.Issuer };
        foreach (var key in keys.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }
        if (configuration.SigningKeys.Count == 0)
        {
            throw new InvalidDataException($"The pinned key set {path} of {issuer.Issuer} holds no signing key.");
        }
        return configuration;
    }
}
