using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Time.Testing;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>A bUnit context with the portal's strings, in English unless a test picks Russian.</summary>
public abstract class PortalComponentTest : BunitContext
{
    private readonly CultureInfo _culture = CultureInfo.CurrentUICulture;

    /// <param name="services">More services; all are added before anything is resolved (bUnit's rule).</param>
    protected PortalComponentTest(Action<IServiceCollection>? services = null)
    {
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        Services.AddSingleton<TimeProvider>(Clock);
        services?.Invoke(Services);
        // As in the portal's circuits: interactive on the server (forms are enabled only then).
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        UseCulture("en");
    }

    /// <summary>The components' clock; tests move it.</summary>
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));

    protected IStringLocalizer<SharedResource> Strings => Services.GetRequiredService<IStringLocalizer<SharedResource>>();

    protected static void UseCulture(string name)
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
    }

    protected override void Dispose(bool disposing)
    {
        CultureInfo.CurrentUICulture = _culture;
        base.Dispose(disposing);
    }
}
