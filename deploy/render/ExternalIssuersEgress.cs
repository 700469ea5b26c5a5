using System.Globalization;
using System.Text;

namespace CarTConsortium.Deploy.Render;

/// <summary>
/// 06-external-issuers-egress.yaml: the NetworkPolicy `external-issuers`, HTTPS out to the address ranges of the
/// external members' issuers (05-network-policies.yaml denies all other egress); written only when the list has one.
/// </summary>
public static class ExternalIssuersEgress
{
    public const string FileName = "06-external-issuers-egress.yaml";

    /// <summary>The pods that fetch issuer metadata and keys (and the portal its tokens): the selectors of 05-network-policies.yaml.</summary>
    public static readonly IReadOnlyList<string> Components = ["gateway", "service", "portal"];

    public static GeneratedFile Render(MemberList list)
    {
        var body = new StringBuilder();
        foreach (var component in Components)
        {
            body.Append(CultureInfo.InvariantCulture, $$"""
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata:
                  name: external-issuers-{{component}}
                  namespace: cart-consortium
                  labels:
                    app.kubernetes.io/part-of: cart-consortium
                spec:
                  podSelector:
                    matchLabels:
                      app.kubernetes.io/component: {{component}}
                  policyTypes:
                  - Egress
                  egress:
                  - to:

                """);
            foreach (var provider in list.External)
            {
                body.Append(CultureInfo.InvariantCulture, $"    # {provider.Country ?? "the consortium"}: {provider.Issuer}\n");
                foreach (var range in provider.Egress)
                {
                    body.Append(CultureInfo.InvariantCulture, $"    - ipBlock:\n        cidr: {range}\n");
                }
            }
            body.Append("    ports:\n    - protocol: TCP\n      port: 443\n");
        }
        return GeneratedFile.Of(FileName, $"""
            # HTTPS out to the identity providers that deploy/members.yaml lists as external (identity: external,
            # their address ranges in egress), for the pods that fetch issuer metadata and keys: the gateway, the
            # services and the portal (one policy each, selected as in 05-network-policies.yaml). Egress only: it
            # opens nothing into the namespace, and nothing else out.
            {body.ToString().TrimStart('-', '\n')}
            """);
    }
}
