using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.RateLimiting;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Gateway;

/// <summary>A number of requests per fixed window.</summary>
public sealed class Quota
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The "RateLimits" settings: every country shares one quota, every client has its own,
/// and either can be raised or lowered by name. A request spends from both. The quotas are the
/// consortium-wide figures; with <see cref="Replicas"/> gateways each enforces its share.
/// </summary>
public sealed class RateLimitOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "RateLimits";

    public Quota PerCountry { get; set; } = new() { PermitLimit = 3000 };

    public Quota PerClient { get; set; } = new() { PermitLimit = 600 };

    /// <summary>Quotas by country code; the consortium's own callers count as "consortium".</summary>
    public Dictionary<string, Quota> Countries { get; set; } = [];

    /// <summary>Quotas by client id; requests without an accepted token count per remote address.</summary>
    public Dictionary<string, Quota> Clients { get; set; } = [];

    /// <summary>The most gateway replicas the deployment runs (its Deployment's replicas).</summary>
    public const int MaxReplicas = 64;

    /// <summary>
    /// How many gateway replicas share the quotas. Each replica counts in its own memory and allows
    /// <see cref="PerReplica"/>: every quota divided by this number, rounded down, so all replicas
    /// together never allow more than the quota. A load balancer that spreads a country's requests
    /// unevenly makes that country meet a replica's share before the whole quota is spent.
    /// </summary>
    public int Replicas { get; set; } = 1;

    /// <summary>What one replica allows of <paramref name="quota"/>: its permits divided among the replicas, the same window.</summary>
    public Quota PerReplica(Quota quota) => new() { PermitLimit = quota.PermitLimit / Replicas, Window = quota.Window };

    /// <summary>Every quota's mistakes, each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        IEnumerable<(string At, Quota Quota)> quotas =
        [
            ($"{Section}:{nameof(PerCountry)}", PerCountry),
            ($"{Section}:{nameof(PerClient)}", PerClient),
            .. Countries.Select(c => ($"{Section}:{nameof(Countries)}:{c.Key}", c.Value)),
            .. Clients.Select(c => ($"{Section}:{nameof(Clients)}:{c.Key}", c.Value)),
        ];
        if (Replicas is < 1 or > MaxReplicas)
        {
            yield return Setting.Problem(Section, nameof(Replicas), Replicas, $"must be from 1 to {MaxReplicas}, the gateway's replica count");
        }
        foreach (var (at, quota) in quotas)
        {
            if (quota.PermitLimit < 1)
            {
                yield return Setting.Problem(at, nameof(Quota.PermitLimit), quota.PermitLimit, "must be at least 1");
            }
            else if (Replicas is > 1 and <= MaxReplicas && quota.PermitLimit < Replicas)
            {
                yield return Setting.Problem(at, nameof(Quota.PermitLimit), quota.PermitLimit,
                    $"must be at least {Section}:{nameof(Replicas)} ({Replicas}): each replica allows its share, rounded down");
            }
            if (quota.Window <= TimeSpan.Zero)
            {
                yield return Setting.Problem(at, nameof(Quota.Window), quota.Window, "must be over 0");
            }
        }
    }
}

/// <summary>Checks <see cref="RateLimitOptions"/> before the limiter is wired, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;

/// <summary>
/// Per-country and per-client rate limits at the gateway, from configuration. A refused
/// request gets 429 with Retry-After (REST) or RESOURCE_EXHAUSTED with Retry-After (gRPC).
/// </summary>
public static partial class TenantRateLimits
{
    public const string MeterName = "CarTConsortium.Gateway";

    public static IServiceCollection AddTenantRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetValidatedSettings<RateLimitOptions, RateLimitOptionsValidator>();
        services.AddSingleton<ThrottleTelemetry>();
        services.AddRateLimiter(options =>
        {
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, Country(context), limits, limits.PerCountry, limits.Countries)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, Client(context), limits, limits.PerClient, limits.Clients)));
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, string? key, RateLimitOptions limits, Quota standard, Dictionary<string, Quota> overrides)
    {
        // Probes are never throttled: an orchestrator must always see the gateway's health.
        if (key is null || context.Request.Path.StartsWithSegments("/healthz") || context.Request.Path.StartsWithSegments("/alive"))
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }
        // The key is "<kind>:<name>"; overrides are by name (a country code or a client id).
        var quota = limits.PerReplica(overrides.GetValueOrDefault(key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..]) ?? standard);
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = quota.PermitLimit,
            Window = quota.Window,
            QueueLimit = 0,
        });
    }

    private static string? Country(HttpContext context) => context.User.Identity?.IsAuthenticated == true
        ? "country:" + (context.User.FindFirst(PlatformClaims.Country)?.Value ?? "consortium")
        : null;

    private static string Client(HttpContext context) => context.User.Identity?.IsAuthenticated == true
        ? "client:" + (context.User.FindFirst(PlatformClaims.ClientId)?.Value ?? context.User.FindFirst("azp")?.Value ?? "unknown")
        : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken _)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.RequestServices.GetRequiredService<ThrottleTelemetry>().Throttled(Country(context) ?? "anonymous", Client(context), seconds);

        await StatusResponses.WriteAsync(context, grpcCode: 8, StatusCodes.Status429TooManyRequests, // RESOURCE_EXHAUSTED
            "Too many requests; retry after the time in Retry-After.", retryAfter);
    }

    /// <summary>Counts and logs refused requests, tagged by the country partition.</summary>
    private sealed partial class ThrottleTelemetry(IMeterFactory meters, ILogger<ThrottleTelemetry> logger)
    {
        private readonly Counter<long> _throttled = meters.Create(MeterName)
            .CreateCounter<long>("gateway.requests.throttled", description: "Requests refused by a per-country or per-client quota");

        public void Throttled(string country, string client, string seconds)
        {
            _throttled.Add(1, new KeyValuePair<string, object?>("partition", country));
            LogThrottled(country, client, seconds);
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Throttled a request ({Country}, {Client}); retry after {Seconds}s")]
        private partial void LogThrottled(string country, string client, string seconds);
    }
}
