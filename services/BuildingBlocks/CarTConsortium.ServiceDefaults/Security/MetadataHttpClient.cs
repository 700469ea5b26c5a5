namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>
/// The HTTP client that fetches issuers' discovery documents and keys. Not from the client
/// factory: its default resilience (retries, a circuit shared by every issuer) would make a
/// request wait longer for a provider that is down, and one provider's failures open the
/// circuit for all. <see cref="IssuerMetadata"/> bounds each fetch and remembers failures per issuer.
/// </summary>
internal sealed class MetadataHttpClient(FederationOptions federation) : IDisposable
{
    public HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        // New connections follow DNS changes of a provider's address.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        // A fetch given up on by IssuerMetadata does not hold a connection for long either.
        Timeout = federation.MetadataTimeout,
    };

    public void Dispose() => Client.Dispose();
}
