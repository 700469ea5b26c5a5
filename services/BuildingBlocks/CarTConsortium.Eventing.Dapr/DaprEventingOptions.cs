using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Eventing.Dapr;

/// <summary>Settings of the Dapr transport, bound from <c>Eventing:Dapr</c> and checked at start by <see cref="DaprEventingOptionsValidator"/>.</summary>
public sealed class DaprEventingOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Eventing:Dapr";

    /// <summary>The Dapr pub/sub component every topic goes through (its metadata names the broker).</summary>
    public string PubSubName { get; set; } = "pubsub";

    /// <summary>
    /// The token the sidecar sends in <c>dapr-api-token</c> when it calls this app (Dapr's
    /// APP_API_TOKEN). When set, deliveries without it are refused, so only the sidecar
    /// can push events. Empty: Dapr's own APP_API_TOKEN setting (configuration, then environment) if set.
    /// </summary>
    public string? AppApiToken { get; set; }

    /// <summary>The settings' mistakes, each naming the setting and the value read (never the token's value).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(PubSubName))
        {
            yield return Setting.Problem(Section, nameof(PubSubName), PubSubName, "must name the Dapr pub/sub component, e.g. pubsub");
        }
    }
}

/// <summary>Checks <see cref="DaprEventingOptions"/> at start, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class DaprEventingOptionsValidator : IValidateOptions<DaprEventingOptions>;
