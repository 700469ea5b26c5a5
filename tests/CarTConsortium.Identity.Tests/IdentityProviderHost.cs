using System.Globalization;
using System.Net;
using System.Text.Json;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// One provider as the standalone host runs it: its own WebApplication on real Kestrel on a
/// loopback port, configured only through the <c>Identity</c> section, optionally on a test clock.
/// </summary>
public sealed class IdentityProviderHost : IAsyncDisposable
{
    public const string HospitalClient = "hospital-his";
    public const string HospitalSecret = "hospital-his-secret-for-tests";
    public const string HospitalOrg = "astana-childrens";
    public const string PortalClient = "consortium-portal";
    public const string PortalRedirect = "http://127.0.0.1:5999/signin-callback";
    public const string UserName = "coordinator";
    public const string Password = "Correct-Horse-7";

    /// <summary>The key-encryption key of the tests' providers (base64 of 32 bytes).</summary>
    public const string EncryptionKey = "Z7h0fPM9qK5nUbE/6GjuecEjqltgBjSOdZjNCq2yvEs=";

    private readonly WebApplication _app;

    private IdentityProviderHost(WebApplication app, Uri issuer, Uri address)
    {
        _app = app;
        Issuer = issuer;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    public Uri Issuer { get; }

    /// <summary>Where this host listens: the issuer, unless it is one replica of a provider whose issuer is another's address.</summary>
    public Uri Address { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The settings every test starts from; tests override single keys.</summary>
    public static Dictionary<string, string?> Settings(string? country, string database, int port) => new()
    {
        ["Identity:Issuer"] = $"http://127.0.0.1:{port}/",
        ["Identity:Country"] = country,
        ["Identity:Database"] = $"Data Source={database}",
        ["Identity:RequireHttps"] = "false",
        ["Identity:AccessTokenLifetime"] = "00:15:00",
        ["Identity:RefreshTokenLifetime"] = "1.00:00:00",
        ["Identity:SigningKeys:RotationPeriod"] = "30.00:00:00",
        ["Identity:SigningKeys:PublishAhead"] = "2.00:00:00",
        ["Identity:SigningKeys:EncryptionKey"] = EncryptionKey,
        ["Identity:Clients:0:ClientId"] = HospitalClient,
        ["Identity:Clients:0:ClientSecret"] = HospitalSecret,
        ["Identity:Clients:0:Org"] = HospitalOrg,
        ["Identity:Clients:0:Roles:0"] = "hospital_coordinator",
        ["Identity:Clients:0:Scopes:0"] = "registry",
        ["Identity:Clients:0:Scopes:1"] = "slots",
        ["Identity:Clients:1:ClientId"] = PortalClient,
        ["Identity:Clients:1:Public"] = "true",
        ["Identity:Clients:1:RedirectUris:0"] = PortalRedirect,
        ["Identity:Clients:1:Scopes:0"] = "openid",
        ["Identity:Clients:1:Scopes:1"] = "profile",
        ["Identity:Clients:1:Scopes:2"] = "offline_access",
        ["Identity:Clients:1:Scopes:3"] = "registry",
        ["Identity:Clients:1:Scopes:4"] = "slots",
        ["Identity:Users:0:UserName"] = UserName,
        ["Identity:Users:0:Password"] = Password,
        ["Identity:Users:0:DisplayName"] = "Hospital coordinator",
        ["Identity:Users:0:Org"] = HospitalOrg,
        ["Identity:Users:0:Roles:0"] = "hospital_coordinator",
        ["Identity:Users:0:Roles:1"] = "clinician",
    };

    public static int FreePort() => LoopbackPorts.Next();

    public static async Task<IdentityProviderHost> StartAsync(
        string? country, string folder, TimeProvider? clock = null, int? port = null, Action<Dictionary<string, string?>>? adjust = null)
    {
        var chosenPort = port ?? FreePort();
        var settings = Settings(country, Path.Combine(folder, $"identity-{country ?? "consortium"}.db"), chosenPort);
        settings["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{chosenPort}";
        settings["Kestrel:Endpoints:Http:Protocols"] = "Http1";
        settings[ServiceDefaultsExtensions.ProcessTelemetryKey] = "true";
        // As the deployments behind their Ingress: the client address comes from X-Forwarded-For, so tests can play other sources.
        settings["FORWARDEDHEADERS_ENABLED"] = "true";
        adjust?.Invoke(settings);

        var module = new IdentityModule($"identity-{(country ?? "consortium").ToLowerInvariant()}");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }
        builder.AddServiceDefaults();
        module.AddServices(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints(reflection: false);
        module.MapEndpoints(app);
        await app.StartAsync();
        return new IdentityProviderHost(app, new Uri(settings["Identity:Issuer"]!), new Uri($"http://127.0.0.1:{chosenPort}/"));
    }

    public async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    public async Task<IReadOnlyList<string>> PublishedKidsAsync()
    {
        using var jwks = await GetJsonAsync(".well-known/jwks");
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    /// <summary>POSTs a token request; returns the status and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(params (string Name, string Value)[] form)
    {
        using var response = await PostTokenAsync(form);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }

    /// <summary>POSTs a token request, optionally from another client address (X-Forwarded-For) or with HTTP Basic client credentials.</summary>
    public async Task<HttpResponseMessage> PostTokenAsync((string Name, string Value)[] form, string? source = null, (string Id, string Secret)? basic = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("connect/token", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(form.Select(p => KeyValuePair.Create(p.Name, p.Value))),
        };
        if (source is not null)
        {
            request.Headers.Add("X-Forwarded-For", source);
        }
        if (basic is { } credentials)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(credentials.Id)}:{Uri.EscapeDataString(credentials.Secret)}")));
        }
        return await Http.SendAsync(request);
    }

    public async Task<string> ClientCredentialsTokenAsync(string scope = "registry")
    {
        var (status, body) = await TokenAsync(("grant_type", "client_credentials"), ("client_id", HospitalClient),
            ("client_secret", HospitalSecret), ("scope", scope));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>Validates a token as a resource server would: with the JWKS the provider publishes now.</summary>
    public async Task<TokenValidationResult> ValidateAsync(string token, TimeProvider? clock = null)
    {
        using var response = await Http.GetAsync(new Uri(".well-known/jwks", UriKind.Relative));
        var jwks = new JsonWebKeySet(await response.Content.ReadAsStringAsync());
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer.AbsoluteUri,
            ValidAudience = IdentityVocabulary.Audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            TryAllIssuerSigningKeys = false,
            ClockSkew = TimeSpan.Zero,
        };
        if (clock is not null)
        {
            // Tokens issued on a test clock are judged on that clock.
            parameters.LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore <= now) && expires > now;
            };
        }
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
    }

    public static string Kid(string token) => new JsonWebToken(token).Kid;

    public static string Stamp(DateTimeOffset instant) => instant.ToString("O", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
