using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CarTConsortium.Deploy.Render;

/// <summary>The list's mistakes, every one of them, each naming the entry and the rule.</summary>
public sealed class MemberListException(IReadOnlyList<string> problems)
    : Exception("- " + string.Join("\n- ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Reads and checks the text of deploy/members.yaml (no I/O: the caller reads the file).</summary>
public static partial class MemberListReader
{
    public const string Hosted = "hosted";
    public const string External = "external";

    /// <summary>The consortium's provider listens here; hosted countries on the next ports, in list order.</summary>
    public const int FirstPort = 5200;

    /// <exception cref="MemberListException">The text is not a valid list; the message names every problem.</exception>
    public static MemberList Read(string yaml)
    {
        Document document;
        try
        {
            document = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
                .Deserialize<Document?>(yaml) ?? new Document();
        }
        catch (YamlException e)
        {
            throw new MemberListException([$"line {e.Start.Line}: {(e.InnerException ?? e).Message}"]);
        }

        var problems = new List<string>();
        var domain = document.Domain?.Trim() ?? "";
        if (!DomainName().IsMatch(domain))
        {
            problems.Add($"domain '{domain}' is not a DNS name in lower case (e.g. cart-consortium.example)");
        }
        var consortium = Provider("consortium", document.Consortium ?? new Entry(), null, "the consortium", domain, FirstPort, problems);
        if (document.Members is not { Count: > 0 })
        {
            problems.Add("members: none listed; the consortium needs at least one member country");
        }
        var members = new List<Provider>();
        var nextPort = FirstPort + 1;
        foreach (var (entry, index) in (document.Members ?? []).Select((e, i) => (e ?? new Entry(), i)))
        {
            var code = entry.Code?.Trim() ?? "";
            var at = $"members[{index}] ({(code.Length > 0 ? code : "no code")})";
            if (!CountryCode().IsMatch(code))
            {
                problems.Add($"{at}: code '{code}' is not an ISO 3166-1 alpha-2 code in capitals (e.g. KZ)");
            }
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                problems.Add($"{at}: name is missing (the country's name, for people reading the manifests)");
            }
            var provider = Provider(at, entry, code, entry.Name?.Trim() ?? code, domain, nextPort, problems);
            nextPort += provider.Hosted ? 1 : 0;
            members.Add(provider);
        }
        foreach (var duplicate in members.GroupBy(m => m.Country, StringComparer.Ordinal).Where(g => g.Key!.Length > 0 && g.Count() > 1))
        {
            problems.Add($"code {duplicate.Key} is listed {duplicate.Count()} times; each country has one entry");
        }
        foreach (var duplicate in members.Prepend(consortium).GroupBy(m => m.Issuer, StringComparer.Ordinal).Where(g => g.Key.Length > 0 && g.Count() > 1))
        {
            problems.Add($"issuer {duplicate.Key} is given to {string.Join(", ", duplicate.Select(p => p.Country ?? "the consortium"))}; each provider has its own");
        }
        return problems.Count > 0 ? throw new MemberListException(problems) : new MemberList(domain, consortium, members);
    }

    private static Provider Provider(string at, Entry entry, string? code, string name, string domain, int port, List<string> problems)
    {
        var hosted = entry.Identity?.Trim() == Hosted;
        var issuer = entry.Issuer?.Trim() ?? "";
        var egress = (entry.Egress ?? []).Select(e => e?.Trim() ?? "").ToList();
        switch (entry.Identity?.Trim())
        {
            case Hosted:
                if (issuer.Length > 0)
                {
                    problems.Add($"{at}: identity hosted takes its issuer from the domain ({HostedIssuer(code, domain)}); remove issuer '{issuer}', or say identity: external");
                }
                issuer = HostedIssuer(code, domain);
                if (egress.Count > 0)
                {
                    problems.Add($"{at}: identity hosted runs in the cluster; remove egress (only an external provider's addresses are opened)");
                }
                break;
            case External:
                if (issuer.Length == 0)
                {
                    problems.Add($"{at}: identity external needs issuer, the exact `iss` of its tokens (https://...)");
                }
                else if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps
                    || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
                {
                    problems.Add($"{at}: issuer '{issuer}' is not an https URL without query, fragment or user (its metadata and keys are fetched over TLS)");
                }
                // The network policies deny egress by default: without its addresses nobody could fetch its metadata.
                if (egress.Count == 0)
                {
                    problems.Add($"{at}: identity external needs egress, the address ranges of its issuer (CIDR, e.g. [203.0.113.0/24]) that the gateway, services and portal may reach on 443");
                }
                foreach (var range in egress.Where(r => !IPNetwork.TryParse(r, out var network) || network.ToString() != r))
                {
                    problems.Add($"{at}: egress '{range}' is not an address range in CIDR notation with its host bits zero (e.g. 203.0.113.0/24)");
                }
                break;
            default:
                problems.Add($"{at}: identity is '{entry.Identity}'; say {Hosted} (its provider runs in this cluster) or {External} (with its issuer URL)");
                break;
        }
        return new Provider(code, name, issuer, hosted, hosted ? port : 0, Quota(at, entry.Quota, problems), hosted ? [] : egress);
    }

    private static string HostedIssuer(string? code, string domain) =>
        code is null ? $"https://id.{domain}/" : $"https://id.{code.ToLowerInvariant()}.{domain}/";

    private static Quota? Quota(string at, QuotaEntry? entry, List<string> problems)
    {
        if (entry is null)
        {
            return null;
        }
        if (entry.PermitLimit is not > 0)
        {
            problems.Add($"{at}: quota.permitLimit is '{entry.PermitLimit}'; give the requests a window allows, at least 1");
        }
        var window = TimeSpan.FromMinutes(1);
        if (entry.Window is not null && (!TimeSpan.TryParseExact(entry.Window, "c", CultureInfo.InvariantCulture, out window) || window <= TimeSpan.Zero))
        {
            problems.Add($"{at}: quota.window '{entry.Window}' is not a time span over zero (hh:mm:ss, e.g. 00:01:00)");
        }
        return new Quota(entry.PermitLimit ?? 0, window);
    }

    [GeneratedRegex(@"^[A-Z]{2}\z")]
    private static partial Regex CountryCode();

    [GeneratedRegex(@"^(?=.{1,200}\z)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]([a-z0-9-]*[a-z0-9])?\z")]
    private static partial Regex DomainName();

    // The file's shape, as YamlDotNet binds it; an unknown key is a YamlException naming its line.
    private sealed class Document
    {
        public string? Domain { get; set; }

        public Entry? Consortium { get; set; }

        public List<Entry?>? Members { get; set; }
    }

    private sealed class Entry
    {
        public string? Code { get; set; }

        public string? Name { get; set; }

        public string? Identity { get; set; }

        public string? Issuer { get; set; }

        public List<string?>? Egress { get; set; }

        public QuotaEntry? Quota { get; set; }
    }

    private sealed class QuotaEntry
    {
        public int? PermitLimit { get; set; }

        public string? Window { get; set; }
    }
}
