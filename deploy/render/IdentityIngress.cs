using System.Text;

namespace CarTConsortium.Deploy.Render;

/// <summary>35-identity-ingress.yaml: each hosted provider's issuer host, over HTTPS, to its Service.</summary>
public static class IdentityIngress
{
    public const string FileName = "35-identity-ingress.yaml";

    public static GeneratedFile Render(MemberList list)
    {
        var hosts = new StringBuilder();
        var rules = new StringBuilder();
        foreach (var provider in list.Hosted)
        {
            hosts.Append("    - ").Append(provider.Host).Append('\n');
            rules.Append($$"""
                  - host: {{provider.Host}}
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: {{provider.AppId}}
                            port:
                              name: http

                """);
        }
        return GeneratedFile.Of(FileName, $$"""
            # The identity providers' public addresses: each issuer URL of 15-federation.yaml is served
            # here over HTTPS (certificate in the Secret identity-tls, created out of band or by
            # cert-manager). The host names come from the domain of deploy/members.yaml, as do the providers'
            # Identity__Issuer and 15-federation.yaml; every host's Federation section must agree (a test checks).
            # Set ingressClassName to your controller's class if the cluster has no default one.
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: identity
              namespace: cart-consortium
              labels:
                app.kubernetes.io/part-of: cart-consortium
            spec:
              tls:
              - hosts:
            {{hosts}}    secretName: identity-tls
              rules:
            {{rules}}
            """);
    }
}
