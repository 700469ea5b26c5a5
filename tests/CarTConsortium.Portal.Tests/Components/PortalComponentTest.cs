using System.Globalization;
using Bunit;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Portal.Errors;
using CarTConsortium.Portal.Session;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Time.Testing;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>
/// A bUnit context for the portal's pages and forms: the portal's strings (English unless a test picks
/// Russian), a clock the test moves, the four services' clients on a <see cref="ScriptedGateway"/>, the
/// call guard and the signed-in user (nobody until a test says). Everything is registered before the
/// renderer exists (bUnit takes no registration after that); rendering is interactive on the server,
/// as in the portal's circuits.
/// </summary>
public abstract class PortalComponentTest : BunitContext
{
    private readonly CultureInfo _culture = CultureInfo.CurrentUICulture;
    private readonly CultureInfo _formatCulture = CultureInfo.CurrentCulture;

    protected PortalComponentTest()
    {
        Services.AddLocalization(options => options.ResourcesPath = "Resources");
        Services.AddLogging();
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(new SlotsService.SlotsServiceClient(Gateway));
        Services.AddSingleton(new RegistryService.RegistryServiceClient(Gateway));
        Services.AddSingleton(new ProcurementService.ProcurementServiceClient(Gateway));
        Services.AddSingleton(new ApprovalsService.ApprovalsServiceClient(Gateway));
        Services.AddSingleton(new Contracts.Operations.V1.EventOperations.EventOperationsClient(Gateway));
        Services.AddMemoryCache();
        Services.AddScoped<FormDrafts>();
        Services.AddScoped<CallGuard>();
        Auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        UseCulture("en");
    }

    internal ScriptedGateway Gateway { get; } = new();

    /// <summary>Who is signed in: nobody until a test says.</summary>
    protected Bunit.TestDoubles.BunitAuthorizationContext Auth { get; }

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
        CultureInfo.CurrentCulture = _formatCulture;
        base.Dispose(disposing);
    }
}
