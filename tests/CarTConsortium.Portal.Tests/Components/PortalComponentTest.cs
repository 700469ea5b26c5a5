using System.Globalization;
using Bunit;
using CarTConsortium.Portal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>A bUnit context with the portal's strings, in English unless a test picks Russian.</summary>
public abstract class PortalComponentTest : BunitContext
{
    private readonly CultureInfo _culture = CultureInfo.CurrentUICulture;

    protected PortalComponentTest()
    {
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        UseCulture("en");
    }

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
