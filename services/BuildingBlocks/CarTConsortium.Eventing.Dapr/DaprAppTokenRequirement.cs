using Dapr;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Eventing.Dapr;

public static class DaprAppTokenRequirement
{
    /// <summary>What a host without the token is told, naming every place the token can come from.</summary>
    public const string Missing =
        "Eventing:Dapr:AppApiToken is not set and neither is APP_API_TOKEN: without the Dapr app API token anyone who can reach "
        + "this app could post events to /events/{topic}. Give the sidecar and the app the same secret: in Kubernetes, annotate the "
        + "Deployment with dapr.io/app-token-secret naming a Secret with a 'token' key, and set APP_API_TOKEN (or "
        + "Eventing__Dapr__AppApiToken) from that Secret.";

    /// <summary>
    /// Makes the Dapr app API token mandatory: the host refuses to start without it (the
    /// distributed hosts call this; the standalone mode has no Dapr and no such route).
    /// </summary>
    public static IServiceCollection RequireDaprAppToken(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DaprEventingOptions>, DaprAppTokenRequired>());
        return services;
    }

    /// <summary>The token deliveries must carry: the setting, else Dapr's own APP_API_TOKEN (configuration, then environment).</summary>
    public static string? EffectiveToken(DaprEventingOptions options, IConfiguration? configuration) =>
        string.IsNullOrEmpty(options.AppApiToken) ? DaprDefaults.GetDefaultAppApiToken(configuration) : options.AppApiToken;
}

/// <summary>Fails the Dapr settings, and so the start, when no app API token is configured anywhere.</summary>
internal sealed class DaprAppTokenRequired(IConfiguration configuration) : IValidateOptions<DaprEventingOptions>
{
    public ValidateOptionsResult Validate(string? name, DaprEventingOptions options) =>
        string.IsNullOrWhiteSpace(DaprAppTokenRequirement.EffectiveToken(options, configuration))
            ? ValidateOptionsResult.Fail(DaprAppTokenRequirement.Missing)
            : ValidateOptionsResult.Success;
}
