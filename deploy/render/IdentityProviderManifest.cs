using System.Globalization;

namespace CarTConsortium.Deploy.Render;

/// <summary>
/// 30-identity-consortium.yaml and 31-identity-&lt;code&gt;.yaml: a hosted provider's Deployment (2 replicas),
/// PodDisruptionBudget and Service, one template for all of them.
/// </summary>
public static class IdentityProviderManifest
{
    public static string FileName(Provider provider) => (provider.Country is null ? "30-" : "31-") + provider.AppId + ".yaml";

    public static GeneratedFile Render(MemberList list, Provider provider)
    {
        var app = provider.AppId;
        var port = provider.Port.ToString(CultureInfo.InvariantCulture);
        var who = provider.Country is null
            ? "the consortium's own provider (consortium_admin; its tokens name no country)"
            : $"{provider.Name}'s provider";
        var country = provider.Country is null
            ? "        # No Identity__Country: the consortium's provider."
            : $"""
                      - name: Identity__Country
                        value: {provider.Country}
              """;
        // The PodDisruptionBudget's and the Service's metadata (the Deployment's has its component too).
        var metadata = $"""
            metadata:
              name: {app}
              namespace: cart-consortium
              labels:
                app.kubernetes.io/name: {app}
                app.kubernetes.io/part-of: cart-consortium
            """;
        return GeneratedFile.Of(FileName(provider), $$"""
            # {{app}}: {{who}}. Plain HTTP/1.1 on {{port}} (no gRPC port), no Dapr sidecar (it neither
            # publishes nor subscribes), no MongoDB: its clients, users, signing keys and ASP.NET data-protection keys live in its
            # PostgreSQL database (operator-provided; connection string in the Secret {{app}}, key database), shared by its
            # 2 replicas; schema changes are EF Core migrations applied at start.
            # Public issuer {{provider.Issuer}} through 35-identity-ingress.yaml (TLS ends there);
            # the platform's apps fetch its metadata over HTTPS at that issuer URL too (15-federation.yaml); its Service
            # (http://{{app}}:{{port}}/) is for the Ingress.
            # Clients and users (with secrets) come from the Secret {{app}}, key appsettings.Production.json,
            # created out of band (deploy/README.md, "Identity providers"); nothing secret is in this file.
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{app}}
              namespace: cart-consortium
              labels:
                app.kubernetes.io/name: {{app}}
                app.kubernetes.io/component: identity-provider
                app.kubernetes.io/part-of: cart-consortium
            spec:
              replicas: 2                 # PodDisruptionBudget below keeps one serving through drains and upgrades
              selector:
                matchLabels:
                  app.kubernetes.io/name: {{app}}
              template:
                metadata:
                  labels:
                    app.kubernetes.io/name: {{app}}
                    app.kubernetes.io/component: identity-provider
                    app.kubernetes.io/part-of: cart-consortium
                spec:
                  containers:
                  - name: {{app}}
                    image: cart-consortium/identity:1.0.0   # deploy/VERSION
                    imagePullPolicy: IfNotPresent
                    # The portal's client (public, PKCE; no secret), beside the clients of the Secret: 25-portal.yaml.
                    envFrom:
                    - configMapRef:
                        name: portal-client
                    ports:
                    - name: http
                      containerPort: {{port}}
                    env:
                    # Where the portal's client may send people back: the portal's public address (25-portal.yaml).
                    - name: Identity__Clients__100__RedirectUris__0
                      value: {{list.Portal}}callback/{{provider.Key}}
                    - name: Identity__Clients__100__PostLogoutRedirectUris__0
                      value: {{list.Portal}}signed-out/{{provider.Key}}
                    - name: Kestrel__Endpoints__Http__Url
                      value: http://0.0.0.0:{{port}}
                    - name: Identity__Issuer
                      value: {{provider.Issuer}}
            {{country}}
                    # The key that encrypts the provider's private keys in its database (base64 of 32 bytes), from its Secret.
                    - name: Identity__SigningKeys__EncryptionKey
                      valueFrom:
                        secretKeyRef:
                          name: {{app}}
                          key: signing-key-encryption-key
                    # The shared PostgreSQL database of this provider (an Npgsql connection string), from its Secret.
                    - name: Identity__DatabaseProvider
                      value: PostgreSql
                    - name: Identity__Database
                      valueFrom:
                        secretKeyRef:
                          name: {{app}}
                          key: database
                    # TLS ends at the Ingress; only its hop to this pod is plain HTTP (NetworkPolicy: from the ingress controller and the platform's pods).
                    - name: Identity__RequireHttps
                      value: "false"
                    # Take the scheme and client address from the Ingress's X-Forwarded-* headers, so the
                    # sign-in cookie is Secure and public discovery documents say https.
                    - name: ASPNETCORE_FORWARDEDHEADERS_ENABLED
                      value: "true"
                    volumeMounts:
                    - name: clients-and-users
                      mountPath: /app/appsettings.Production.json
                      subPath: appsettings.Production.json
                      readOnly: true
                    livenessProbe:
                      httpGet:
                        path: /alive
                        port: http
                      initialDelaySeconds: 10
                      periodSeconds: 10
                    readinessProbe:
                      httpGet:
                        path: /healthz
                        port: http
                      periodSeconds: 5
                    resources:
                      requests:
                        cpu: 50m
                        memory: 128Mi
                      limits:
                        cpu: "1"
                        memory: 384Mi
                    securityContext:
                      allowPrivilegeEscalation: false
                  volumes:
                  - name: clients-and-users
                    secret:
                      secretName: {{app}}
            ---
            # At least one replica stays up through voluntary disruptions (node drains, cluster upgrades).
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            {{metadata}}
            spec:
              minAvailable: 1
              selector:
                matchLabels:
                  app.kubernetes.io/name: {{app}}
            ---
            apiVersion: v1
            kind: Service
            {{metadata}}
            spec:
              selector:
                app.kubernetes.io/name: {{app}}
              ports:
              - name: http
                port: {{port}}
                targetPort: http
            """);
    }
}
