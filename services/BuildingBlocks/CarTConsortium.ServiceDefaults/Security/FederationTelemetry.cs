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
    public const string IssuedInFuture = "issued_in_future";
    public const string LifetimeTooLong = "lifetime_too_long";
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
        TokenIssuedInFutureException => IssuedInFuture,
        TokenLifetimeTooLongException => LifetimeTooLong,
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
    private readonly Counter<long> _unavailable;
    private readonly ILogger<FederationTelemetry> _logger;
    private readonly string _app;

    public FederationTelemetry(IMeterFactory meters, ILogger<FederationTelemetry> logger, IConfiguration configuration)
    {
        _rejected = meters.Create(MeterName).CreateCounter<long>("federation.tokens.rejected", description: "Access tokens turned away, by reason");
        _unavailable = meters.Create(MeterName).CreateCounter<long>("federation.issuer.unavailable",
            description: "Failed fetches of a trusted issuer's discovery document or keys, by issuer");
        _logger = logger;
        _app = configuration[$"{EventingOptions.Section}:{nameof(EventingOptions.AppId)}"] ?? "unknown";
    }

    public void Rejected(HttpContext context, string reason, string? issuer)
    {
        _rejected.Add(1, new("reason", reason), new("issuer", issuer ?? "untrusted"), new("app", _app));
        LogRejected(reason, issuer ?? "untrusted", context.Connection.RemoteIpAddress?.ToString() ?? "unknown", context.Request.Path);
    }

    /// <summary>A fetch of <paramref name="issuer"/>'s discovery document or keys failed (once per fetch, not per request).</summary>
    public void IssuerUnavailable(string issuer, string address, Exception error)
    {
        _unavailable.Add(1, new("issuer", issuer), new("app", _app));
        LogIssuerUnavailable(issuer, address, error.GetType().Name, error.Message);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Identity provider {Issuer} cannot be reached: fetching {Address} failed ({ErrorType}: {Error}); its tokens are refused with 503 until it answers")]
    private partial void LogIssuerUnavailable(string issuer, string address, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected an access token: {Reason} (issuer {Issuer}, from {RemoteAddress}, path {Path})")]
    private partial void LogRejected(string reason, string issuer, string remoteAddress, string path);
}
