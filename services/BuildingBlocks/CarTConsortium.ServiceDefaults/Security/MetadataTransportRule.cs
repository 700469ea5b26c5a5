namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>
/// How an issuer's discovery document and signing keys may reach the app. Keys fetched over
/// plain HTTP can be swapped by anyone on the network path, who could then sign any token:
/// so https, or keys pinned in a file (nothing is fetched), or plain HTTP to a loopback
/// address when <see cref="FederationOptions.RequireHttpsMetadata"/> is off (the standalone
/// mode, where every provider runs in the same process on 127.0.0.1).
/// </summary>
public static class MetadataTransportRule
{
    /// <summary>Null when <paramref name="issuer"/>'s keys reach the app safely; otherwise why not and what to set instead.</summary>
    public static string? Problem(TrustedIssuer issuer, bool requireHttpsMetadata)
    {
        if (issuer.SigningKeysFile is not null)
        {
            return null;
        }
        if (!Uri.TryCreate(issuer.DiscoveryAddress, UriKind.Absolute, out var discovery))
        {
            return $"its discovery address '{issuer.DiscoveryAddress}' is not an absolute URL";
        }
        if (discovery.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }
        if (discovery.Scheme == Uri.UriSchemeHttp && discovery.IsLoopback && !requireHttpsMetadata)
        {
            return null;
        }
        return $"its discovery document and keys would be fetched from '{issuer.DiscoveryAddress}' without TLS, where anyone on the way "
            + "could swap the keys: give an https address (Issuer or MetadataAddress), or pin the issuer's keys with SigningKeysFile "
            + "(a JWKS file); plain http is allowed only to a loopback address with Federation:RequireHttpsMetadata false";
    }
}
