using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>
/// One trusted issuer's discovery document and signing keys, cached. Unlike the stock
/// configuration manager, a refresh asked for because a token names an unknown key id
/// happens before that token is checked (not in the background, after it has failed), at
/// most once per <see cref="FederationOptions.KeyRefreshInterval"/> so forged key ids cannot
/// make the app hammer the provider. A failed fetch keeps the last good keys. Without keys, a
/// failed fetch (at most <see cref="FederationOptions.MetadataTimeout"/>) is remembered for
/// <see cref="FederationOptions.UnavailableIssuerBackoff"/>: the requests behind it, and those
/// that follow, fail at once instead of each waiting for a provider that does not answer.
/// </summary>
internal sealed class IssuerMetadata(TrustedIssuer issuer, HttpClient http, FederationOptions federation, FederationTelemetry telemetry)
    : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    // Cache timing is about the network, not the business clock: real time, always.
    private static readonly TimeProvider Clock = TimeProvider.System;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HttpDocumentRetriever _retriever = new(http) { RequireHttps = federation.RequireHttpsMetadata };
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt;
    private DateTimeOffset _lastForcedRefresh = DateTimeOffset.MinValue;
    private DateTimeOffset? _failedAt;
    private volatile bool _refreshRequested;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (Fresh() is { } current)
        {
            return current;
        }
        ThrowIfRecentlyFailed();
        await _gate.WaitAsync(cancel);
        try
        {
            if (Fresh() is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }
            // Those that queued behind a fetch that failed fail with it, not one timeout after another.
            ThrowIfRecentlyFailed();
            try
            {
                // The retriever does not pass the token on to its HTTP calls: bound the wait here.
                _current = await (issuer.SigningKeysFile is { } pinned
                        ? PinnedSigningKeys.LoadAsync(issuer, pinned, cancel)
                        : OpenIdConnectConfigurationRetriever.GetAsync(issuer.DiscoveryAddress, _retriever, cancel))
                    .WaitAsync(federation.MetadataTimeout, cancel);
                _failedAt = null;
            }
            catch (Exception error) when (!cancel.IsCancellationRequested)
            {
                telemetry.IssuerUnavailable(issuer.Issuer, issuer.DiscoveryAddress, error);
                if (_current is null)
                {
                    _failedAt = Clock.GetUtcNow();
                    throw new IssuerUnavailableException(issuer.Issuer, federation.UnavailableIssuerBackoff, error);
                }
                // The provider is unreachable for now: keep its last good keys and try again later.
            }
            _fetchedAt = Clock.GetUtcNow();
            _refreshRequested = false;
            return _current;
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

    private void ThrowIfRecentlyFailed()
    {
        if (_current is null && _failedAt is { } failed && Clock.GetUtcNow() - failed < federation.UnavailableIssuerBackoff)
        {
            throw new IssuerUnavailableException(issuer.Issuer, federation.UnavailableIssuerBackoff - (Clock.GetUtcNow() - failed), inner: null);
        }
    }
}

/// <summary>
/// An issuer's keys could not be fetched, so none of its tokens can be checked: the platform
/// cannot tell whether the caller is who it says, which is a 503 to retry later, not a 401.
/// </summary>
public sealed class IssuerUnavailableException(string issuer, TimeSpan retryAfter, Exception? inner)
    : InvalidOperationException($"The identity provider {issuer} cannot be reached.", inner)
{
    public string Issuer { get; } = issuer;

    /// <summary>When the platform tries the provider again.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
