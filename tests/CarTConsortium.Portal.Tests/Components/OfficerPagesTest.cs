using System.Globalization;
using Bunit;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Errors;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>
/// A bUnit context for the procurement, regulator and statistics pages: the portal's strings in English, the three
/// services' clients on a scripted gateway, and the call guard and the signed-in user, all registered before the renderer exists (bUnit
/// takes no registration after that), then interactive on the server as in the portal's circuits.
/// </summary>
public abstract class OfficerPagesTest : BunitContext
{
    private readonly CultureInfo _culture = CultureInfo.CurrentUICulture;

    protected OfficerPagesTest()
    {
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        Services.AddLogging();
        Services.AddSingleton(new ProcurementService.ProcurementServiceClient(Gateway));
        Services.AddSingleton(new ApprovalsService.ApprovalsServiceClient(Gateway));
        Services.AddSingleton(new RegistryService.RegistryServiceClient(Gateway));
        Services.AddScoped<CallGuard>();
        Auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en");
    }

    internal OfficerPagesGateway Gateway { get; } = new();

    /// <summary>Who is signed in: nobody until a test says.</summary>
    protected Bunit.TestDoubles.BunitAuthorizationContext Auth { get; }

    protected override void Dispose(bool disposing)
    {
        CultureInfo.CurrentUICulture = _culture;
        CultureInfo.CurrentCulture = _culture;
        base.Dispose(disposing);
    }
}
