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

    /// <summary>
    /// The gateway's public HTTP address as people and integrating systems reach it (where its REST API,
    /// <c>/api-docs</c> and <c>/openapi/v1.json</c> are); every page links there. Empty: no link.
    /// </summary>
    public string ApiReference { get; set; } = "";

    public Uri GatewayGrpcUri => new(GatewayGrpc, UriKind.Absolute);

    /// <summary>The gateway's browsable API reference, or null when <see cref="ApiReference"/> is not set.</summary>
    public Uri? ApiReferenceUri => GatewayHttp is { } gateway ? new Uri(gateway, "api-docs") : null;

    /// <summary>The gateway's OpenAPI document of every REST route, or null when <see cref="ApiReference"/> is not set.</summary>
    public Uri? OpenApiDocumentUri => GatewayHttp is { } gateway ? new Uri(gateway, "openapi/v1.json") : null;

    // Relative paths resolve below the address even when it was given without its final slash.
    private Uri? GatewayHttp => string.IsNullOrWhiteSpace(ApiReference) ? null : new Uri(ApiReference.TrimEnd('/') + "/", UriKind.Absolute);

    public void Validate()
    {
        if (!Uri.TryCreate(GatewayGrpc, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{Section}:GatewayGrpc must be the gateway's absolute http(s) gRPC address (got '{GatewayGrpc}').");
        }
        if (!string.IsNullOrWhiteSpace(ApiReference)
            && (!Uri.TryCreate(ApiReference, UriKind.Absolute, out var reference) || reference.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException($"{Section}:ApiReference must be the gateway's public absolute http(s) address, or empty (got '{ApiReference}').");
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
