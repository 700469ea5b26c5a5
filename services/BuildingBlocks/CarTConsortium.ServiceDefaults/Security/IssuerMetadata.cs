using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>
/// One trusted issuer's discovery document and signing keys, cached. Unlike the stock
/// configuration manager, a refresh asked for because a token names an unknown key id
/// happens before that token is checked (not in the background, after it has failed), at
/// most once per <see cref="FederationOptions.KeyRefreshInterval"/> so forged key ids cannot
/// make the app hammer the provider. A failed fetch keeps the last good keys.
/// </summary>
internal sealed class IssuerMetadata(string address, HttpClient http, FederationOptions federation) : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    // Cache timing is about the network, not the business clock: real time, always.
    private static readonly TimeProvider Clock = TimeProvider.System;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HttpDocumentRetriever _retriever = new(http) { RequireHttps = federation.RequireHttpsMetadata };
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt;
    private DateTimeOffset _lastForcedRefresh = DateTimeOffset.MinValue;
    private volatile bool _refreshRequested;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (Fresh() is { } current)
        {
            return current;
        }
        await _gate.WaitAsync(cancel);
        try
        {
            if (Fresh() is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }
            try
            {
                _current = await OpenIdConnectConfigurationRetriever.GetAsync(address, _retriever, cancel);
            }
            catch (Exception) when (_current is not null && !cancel.IsCancellationRequested)
            {
                // The provider is unreachable for now: keep its last good keys and try again later.
            }
            _fetchedAt = Clock.GetUtcNow();
            _refreshRequested = false;
            return _current!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Whether the cached keys hold <paramref name="kid"/> (false before the first fetch).</summary>
    public bool Knows(string kid) => _current?.SigningKeys.Any(k => k.KeyId == kid) == true;

    public void RequestRefresh()
    {
        var now = Clock.GetUtcNow();
        if (now - _lastForcedRefresh >= federation.KeyRefreshInterval)
        {
            _lastForcedRefresh = now;
            _refreshRequested = true;
        }
    }

    public void Dispose() => _gate.Dispose();

    private OpenIdConnectConfiguration? Fresh() =>
        _current is { } current && !_refreshRequested && Clock.GetUtcNow() - _fetchedAt < federation.MetadataRefreshInterval ? current : null;
}
