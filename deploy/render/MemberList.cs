namespace CarTConsortium.Deploy.Render;

/// <summary>Requests per fixed window for all callers of one country (or of the consortium) at the gateway.</summary>
public sealed record Quota(int PermitLimit, TimeSpan Window);

/// <summary>
/// One identity provider the platform trusts: the consortium's (<see cref="Country"/> null) or a member
/// country's. A hosted one runs in the cluster as <see cref="AppId"/> on <see cref="Port"/>; an external one is
/// reached at the address ranges of <see cref="Egress"/> (CIDR), which the network policies open to it.
/// </summary>
public sealed record Provider(string? Country, string Name, string Issuer, bool Hosted, int Port, Quota? Quota, IReadOnlyList<string> Egress)
{
    /// <summary>"consortium", or the country code in lower case: the suffix of its app, callbacks and Secret.</summary>
    public string Key => Country?.ToLowerInvariant() ?? "consortium";

    public string AppId => "identity-" + Key;

    /// <summary>The host of its issuer URL (the Ingress rule's host when it is hosted).</summary>
    public string Host => new Uri(Issuer).Host;
}

/// <summary>The validated list of deploy/members.yaml: the domain once, the consortium's provider, the members in order.</summary>
public sealed record MemberList(string Domain, Provider Consortium, IReadOnlyList<Provider> Members)
{
    /// <summary>The consortium's provider first, then the members in the list's order.</summary>
    public IEnumerable<Provider> All => [Consortium, .. Members];

    public IEnumerable<Provider> Hosted => All.Where(p => p.Hosted);

    public IEnumerable<Provider> External => All.Where(p => !p.Hosted);

    /// <summary>Where people come back to after signing in at a provider (the portal's public address).</summary>
    public string Portal => $"https://portal.{Domain}/";
}
