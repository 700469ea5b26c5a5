using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Portal;

/// <summary>The section <c>Portal</c>: where the gateway is and how sessions behave. Identity providers come from <c>Federation</c>. Checked by <see cref="PortalOptionsValidator"/>.</summary>
public sealed class PortalOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Portal";

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

    /// <summary>The settings' mistakes, each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(GatewayGrpc, UriKind.Absolute, out var gateway) || gateway.Scheme is not ("http" or "https"))
        {
            yield return Setting.Problem(Section, nameof(GatewayGrpc), GatewayGrpc, "must be the gateway's absolute http(s) gRPC address");
        }
        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return Setting.Problem(Section, nameof(ClientId), ClientId, $"is required (the portal's client at every provider, e.g. {DefaultClientId})");
        }
        if (RefreshBefore <= TimeSpan.Zero)
        {
            yield return Setting.Problem(Section, nameof(RefreshBefore), RefreshBefore, "must be over 0");
        }
        if (SessionIdleTimeout <= TimeSpan.Zero)
        {
            yield return Setting.Problem(Section, nameof(SessionIdleTimeout), SessionIdleTimeout, "must be over 0");
        }
    }
}

/// <summary>Checks <see cref="PortalOptions"/> before the portal is wired, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class PortalOptionsValidator : IValidateOptions<PortalOptions>;
