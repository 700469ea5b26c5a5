using System.Text;

namespace CarTConsortium.Deploy.Render;

/// <summary>
/// The kubectl commands for the Secrets that depend on the member list (printed, never run, never holding
/// a secret: each random value is made by the operator's shell with openssl when the command runs).
/// </summary>
public static class SecretCommands
{
    public const string Namespace = "cart-consortium";
    public const string PseudonymisationSecret = "registry-pseudonymisation";

    /// <summary>The registry reads each key of its Secret as this setting (envFrom in 21-registry.yaml).</summary>
    public static string PseudonymisationKey(string country) => "Registry__Pseudonymisation__CountrySecrets__" + country;

    /// <summary>Every member-dependent Secret, for a new cluster.</summary>
    public static string ForCluster(MemberList list)
    {
        var text = new StringBuilder()
            .Append("# Each member country's pseudonymisation secret: one key per country, named as the registry's setting.\n")
            .Append("# Keep them as long as the registry's data: changing one changes every pseudonym of that country.\n")
            .Append($"kubectl -n {Namespace} create secret generic {PseudonymisationSecret}");
        foreach (var member in list.Members)
        {
            text.Append(" \\\n  --from-literal=").Append(PseudonymisationKey(member.Country!)).Append("=\"$(openssl rand -base64 32)\"");
        }
        text.Append('\n');
        AppendIdentitySecrets(text, list.Hosted);
        return text.ToString();
    }

    /// <summary>The Secrets one new member needs in a running cluster: its key in the registry's Secret, and its provider's Secret when hosted.</summary>
    public static string ForMember(MemberList list, string country)
    {
        var member = list.Members.FirstOrDefault(m => m.Country == country)
            ?? throw new MemberListException([$"{country} is not a member of {Manifests.ListFile}; add it there first"]);
        var text = new StringBuilder()
            .Append($"# {member.Name}'s pseudonymisation secret, added to the registry's Secret (the registry reads it at its next start).\n")
            .Append($"kubectl -n {Namespace} patch secret {PseudonymisationSecret} --type merge \\\n")
            .Append($"  -p \"{{\\\"stringData\\\":{{\\\"{PseudonymisationKey(country)}\\\":\\\"$(openssl rand -base64 32)\\\"}}}}\"\n");
        AppendIdentitySecrets(text, member.Hosted ? [member] : []);
        return text.ToString();
    }

    private static void AppendIdentitySecrets(StringBuilder text, IEnumerable<Provider> hosted)
    {
        var first = true;
        foreach (var provider in hosted)
        {
            if (first)
            {
                text.Append("# Per hosted identity provider: its clients and users (a filled copy of deploy/identity/appsettings.Production.example.json),\n")
                    .Append("# the key that encrypts its signing keys, and its PostgreSQL database.\n");
                first = false;
            }
            var database = provider.AppId.Replace('-', '_');
            text.Append($"kubectl -n {Namespace} create secret generic {provider.AppId} \\\n")
                .Append($"  --from-file=appsettings.Production.json=./{provider.AppId}.json \\\n")
                .Append("  --from-literal=signing-key-encryption-key=\"$(openssl rand -base64 32)\" \\\n")
                .Append($"  --from-literal=database='Host=postgresql;Database={database};Username={database};Password=...;SSL Mode=Require'\n");
        }
    }
}
