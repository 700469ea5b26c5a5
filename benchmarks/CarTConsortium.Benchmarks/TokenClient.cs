using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Access tokens by client credentials from the demo identity providers, one per client,
/// renewed a minute before they expire: a run at the default size outlasts a token (15 min).
/// </summary>
public sealed class TokenClient(IReadOnlyDictionary<string, Uri> issuers) : IDisposable
{
    private const string Scopes = "registry procurement approvals slots";
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly HttpClient _http = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<IssuedToken>>> _tokens = new();

    public async Task<string> TokenAsync(DemoIdentity client)
    {
        var current = _tokens.GetOrAdd(client.ClientId, _ => Request(client));
        var token = await current.Value;
        if (DateTimeOffset.UtcNow < token.RenewAt)
        {
            return token.AccessToken;
        }
        // Whoever swaps first asks the provider; every other caller waits for that one answer.
        _tokens.TryUpdate(client.ClientId, Request(client), current);
        return (await _tokens[client.ClientId].Value).AccessToken;
    }

    private Lazy<Task<IssuedToken>> Request(DemoIdentity client) => new(() => RequestAsync(client));

    private async Task<IssuedToken> RequestAsync(DemoIdentity client)
    {
        using var response = await _http.PostAsync(new Uri(issuers[client.Provider], "connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = DemoIdentity.Secret,
            ["scope"] = Scopes,
        }));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{client} got no token from {client.Provider}: {(int)response.StatusCode} {body}");
        }
        var answer = System.Text.Json.JsonSerializer.Deserialize<TokenResponse>(body)
            ?? throw new InvalidOperationException($"{client.Provider} answered {client} with an empty token response.");
        return new IssuedToken(answer.AccessToken, DateTimeOffset.UtcNow.AddSeconds(answer.ExpiresIn) - RenewBefore);
    }

    public void Dispose() => _http.Dispose();

    private sealed record IssuedToken(string AccessToken, DateTimeOffset RenewAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
