using System.Text;

namespace CarTConsortium.Deploy.Render;

/// <summary>15-federation.yaml: the ConfigMap `federation`, every provider's issuer with what it may speak for.</summary>
public static class FederationConfigMap
{
    public const string FileName = "15-federation.yaml";

    public static GeneratedFile Render(MemberList list)
    {
        var issuers = new StringBuilder();
        foreach (var (provider, index) in list.All.Select((p, i) => (p, i)))
        {
            issuers.Append(CultureInvariant($"  Federation__Issuers__{index}__Issuer: \"{provider.Issuer}\"\n"));
            issuers.Append(provider.Country is null
                ? CultureInvariant($"  Federation__Issuers__{index}__Consortium: \"true\"\n")
                : CultureInvariant($"  Federation__Issuers__{index}__Country: \"{provider.Country}\"\n"));
        }
        return GeneratedFile.Of(FileName, $$"""
            # How the gateway and the services of this cluster reach the identity providers they trust.
            # Their Deployments take every key as an environment variable (envFrom), over the
            # Federation section of their appsettings.json. Each issuer is its public URL (the `iss` of
            # its tokens, served through the Ingress of 35-identity-ingress.yaml). Discovery and keys are
            # fetched over HTTPS at that same URL (no MetadataAddress), through the ingress controller, so a
            # forged discovery document or JWKS cannot be slipped in on the in-cluster hop; RequireHttpsMetadata
            # "true" makes the apps refuse anything else. The operator provides what that needs (deploy/README.md,
            # "Issuer metadata over TLS"): the id.* names resolvable from the pods and a certificate the images
            # trust. A country that runs its own provider elsewhere (e.g. Keycloak) is `identity: external`
            # with its issuer URL in deploy/members.yaml: see deploy/README.md.
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: federation
              namespace: cart-consortium
              labels:
                app.kubernetes.io/part-of: cart-consortium
            data:
              Federation__Audience: "cart-consortium"
              Federation__RequireHttpsMetadata: "true"
            {{issuers}}
            """);
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
