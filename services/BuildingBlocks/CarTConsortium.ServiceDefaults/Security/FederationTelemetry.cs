using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Eventing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>Why a token was turned away: the tag of the rejection counter and the log line, never the response.</summary>
public static class RejectionReasons
{
    public const string UnknownIssuer = "unknown_issuer";
    public const string Malformed = "malformed";
    public const string CountryMismatch = "country_mismatch";
    public const string RoleNotGrantable = "role_not_grantable";
    public const string Expired = "expired";
    public const string NotYetValid = "not_yet_valid";
    public const string Lifetime = "lifetime";
    public const string Algorithm = "algorithm";
    public const string UnknownKey = "unknown_key";
    public const string Signature = "signature";
    public const string Audience = "audience";
    public const string Issuer = "issuer";
    public const string MetadataUnavailable = "issuer_metadata_unavailable";
    public const string Invalid = "invalid";

    public static string Of(Exception exception) => exception switch
    {
        SecurityTokenExpiredException => Expired,
        SecurityTokenNotYetValidException => NotYetValid,
        SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException => Lifetime,
        SecurityTokenInvalidAlgorithmException => Algorithm,
        SecurityTokenSignatureKeyNotFoundException => UnknownKey,
        SecurityTokenInvalidSignatureException => Signature,
        SecurityTokenInvalidAudienceException => Audience,
        SecurityTokenInvalidIssuerException => Issuer,
        InvalidOperationException or HttpRequestException => MetadataUnavailable,
        _ => Invalid,
    };
}

/// <summary>Counts and logs every rejected token, tagged with the reason, so an attack or a misconfigured country shows up.</summary>
public sealed partial class FederationTelemetry
{
    public const string MeterName = "CarTConsortium.Federation";

    private readonly Counter<long> _rejected;
    private readonly ILogger<FederationTelemetry> _logger;
    private readonly string _app;

    public FederationTelemetry(IMeterFactory meters, ILogger<FederationTelemetry> logger, IConfiguration configuration)
    {
        _rejected = meters.Create(MeterName).CreateCounter<long>("federation.tokens.rejected", description: "Access tokens turned away, by reason");
        _logger = logger;
        _app = configuration[$"{EventingOptions.Section}:{nameof(EventingOptions.AppId)}"] ?? "unknown";
    }

    public void Rejected(HttpContext context, string reason, string? issuer)
    {
        _rejected.Add(1, new("reason", reason), new("issuer", issuer ?? "untrusted"), new("app", _app));
        LogRejected(reason, issuer ?? "untrusted", context.Connection.RemoteIpAddress?.ToString() ?? "unknown", context.Request.Path);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected an access token: {Reason} (issuer {Issuer}, from {RemoteAddress}, path {Path})")]
    private partial void LogRejected(string reason, string issuer, string remoteAddress, string path);
}
