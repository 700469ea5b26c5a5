namespace CarTConsortium.Portal;

/// <summary>The section <c>Portal</c>: where the gateway is and how sessions behave. Identity providers come from <c>Federation</c>.</summary>
public sealed class PortalOptions
{
    public const string Section = "Portal";

    /// <summary>The gateway's gRPC address (HTTP/2; h2c on loopback).</summary>
    public string GatewayGrpc { get; set; } = "";

    /// <summary>The portal's client at every provider: public, authorization code with PKCE.</summary>
    public string ClientId { get; set; } = DefaultClientId;

    public const string DefaultClientId = "consortium-portal";

    /// <summary>Tokens are refreshed when they have less than this left.</summary>
    public TimeSpan RefreshBefore { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A session nobody used for this long ends (the server forgets its tokens).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    public Uri GatewayGrpcUri => new(GatewayGrpc, UriKind.Absolute);

    public void Validate()
    {
        if (!Uri.TryCreate(GatewayGrpc, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{Section}:GatewayGrpc must be the gateway's absolute http(s) gRPC address (got '{GatewayGrpc}').");
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            throw new InvalidOperationException($"{Section}:ClientId is required.");
        }
        if (RefreshBefore <= TimeSpan.Zero || SessionIdleTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:RefreshBefore and {Section}:SessionIdleTimeout must be positive.");
        }
    }
}
