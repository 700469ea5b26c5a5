using System.Globalization;
using System.Text;

namespace CarTConsortium.Deploy.Render;

/// <summary>16-gateway-quotas.yaml: the ConfigMap `gateway-quotas`, the quotas the list gives instead of the default per country.</summary>
public static class GatewayQuotasConfigMap
{
    public const string FileName = "16-gateway-quotas.yaml";

    public static GeneratedFile Render(MemberList list)
    {
        var data = new StringBuilder();
        foreach (var provider in list.All.Where(p => p.Quota is not null))
        {
            // The gateway names the consortium's callers' partition "consortium", a country's by its code.
            var name = provider.Country ?? "consortium";
            data.Append(CultureInfo.InvariantCulture, $"  RateLimits__Countries__{name}__PermitLimit: \"{provider.Quota!.PermitLimit}\"\n");
            data.Append(CultureInfo.InvariantCulture, $"  RateLimits__Countries__{name}__Window: \"{provider.Quota.Window:c}\"\n");
        }
        return GeneratedFile.Of(FileName, $$"""
            # The gateway's quota per country where deploy/members.yaml gives one; every other country has
            # RateLimits:PerCountry of the gateway's appsettings.json. These are the consortium-wide figures: each
            # gateway replica allows its share (RateLimits__Replicas in 20-gateway.yaml), which takes them with envFrom.
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: gateway-quotas
              namespace: cart-consortium
              labels:
                app.kubernetes.io/part-of: cart-consortium
            {{(data.Length == 0 ? "data: {}" : "data:\n" + data)}}
            """);
    }
}
