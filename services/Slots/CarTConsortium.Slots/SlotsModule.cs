using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using CarTConsortium.Slots.Api;
using CarTConsortium.Slots.DemoData;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.UseCases;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Runs;
using CarTConsortium.Slots.UseCases.Waitlist;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Slots;

/// <summary>
/// Slots' whole wiring. The host has given it storage and eventing; it adds its use
/// cases, its gRPC service, the housekeeping job (lapsed holds, waitlist offers) and its
/// subscriptions to the registry's products, institutions, agreements and patients, and to
/// approvals' authorisations.
/// </summary>
public sealed class SlotsModule : IServiceModule
{
    public string AppId => "slots";

    public void AddServices(WebApplicationBuilder builder)
    {
        builder.AddFederatedAuthentication();
        builder.Services.AddRpcAccess(SlotsService.Descriptor, scope: "slots", rpc => rpc
            // Capacity: a site publishes, closes and reopens its own runs (PublishRun, CloseRun, ReopenRun); an admin may close and reopen any.
            .Allow(nameof(SlotsService.SlotsServiceBase.PublishCapacity), Roles.ManufacturingSite)
            .Allow(nameof(SlotsService.SlotsServiceBase.CloseCapacity), Roles.ManufacturingSite, Roles.ConsortiumAdmin)
            .Allow(nameof(SlotsService.SlotsServiceBase.ReopenCapacity), Roles.ManufacturingSite, Roles.ConsortiumAdmin)
            // What is offered, and each country's fair share of it, is open to every role.
            .AllowAnyRole(nameof(SlotsService.SlotsServiceBase.GetCapacity))
            .AllowAnyRole(nameof(SlotsService.SlotsServiceBase.ListCapacity))
            .AllowAnyRole(nameof(SlotsService.SlotsServiceBase.GetFairShares))
            .AllowAnyRole(nameof(SlotsService.SlotsServiceBase.WhoAmI))
            // Bookings: a hospital books for its own patients; hospitals, sites and admins follow what is theirs (BookingAccess).
            .Allow(nameof(SlotsService.SlotsServiceBase.RequestRun), Roles.HospitalCoordinator)
            .Allow(nameof(SlotsService.SlotsServiceBase.GetBooking), Roles.HospitalCoordinator, Roles.ManufacturingSite, Roles.ConsortiumAdmin)
            .Allow(nameof(SlotsService.SlotsServiceBase.ListBookings), Roles.HospitalCoordinator, Roles.ManufacturingSite, Roles.ConsortiumAdmin)
            .Allow(nameof(SlotsService.SlotsServiceBase.AdvanceBooking), Roles.HospitalCoordinator, Roles.ManufacturingSite, Roles.ConsortiumAdmin)
            .Allow(nameof(SlotsService.SlotsServiceBase.MoveBooking), Roles.ManufacturingSite, Roles.ConsortiumAdmin)
            .Allow(nameof(SlotsService.SlotsServiceBase.ExplainAllocation), Roles.HospitalCoordinator, Roles.ConsortiumAdmin)
            // The waitlist's order is visible to those who book and make; an entry's pseudonym only to its hospital.
            .Allow(nameof(SlotsService.SlotsServiceBase.ListWaitlist), Roles.HospitalCoordinator, Roles.ManufacturingSite, Roles.ConsortiumAdmin)
            .Allow(nameof(SlotsService.SlotsServiceBase.WithdrawFromWaitlist), Roles.HospitalCoordinator, Roles.ConsortiumAdmin)
            // Who declares emergencies how often: admins for everyone, a site for its own site's bookings; never a hospital (it names other hospitals).
            .Allow(nameof(SlotsService.SlotsServiceBase.GetUrgencyReport), Roles.ManufacturingSite, Roles.ConsortiumAdmin));
        builder.Services.AddValidatedSettings<SlotsOptions, SlotsOptionsValidator>(builder.Configuration);
        // The store creates their key indexes and back-fills new keys at start.
        builder.Services.AddDocumentCollectionsFrom(typeof(Storage.SlotsCollections));
        builder.Services.AddSingleton<PlacesFreed>();
        builder.Services.AddScoped<InstitutionAccess>();
        builder.Services.AddScoped<RunReads>();
        builder.Services.AddScoped<RunChange>();
        builder.Services.AddScoped<PublishRun>();
        builder.Services.AddScoped<GetRun>();
        builder.Services.AddScoped<ListRuns>();
        builder.Services.AddScoped<CloseRun>();
        builder.Services.AddScoped<ReopenRun>();
        builder.Services.AddScoped<GetFairShares>();
        builder.Services.AddScoped<Allocator>();
        // One per module instance: decisions against a ledger queue here, not in the store.
        builder.Services.AddSingleton<LedgerGates>();
        builder.Services.AddScoped<BookingReads>();
        builder.Services.AddScoped<BookingPlaces>();
        builder.Services.AddScoped<InstitutionHolds>();
        builder.Services.AddScoped<LotteryDraws>();
        builder.Services.AddScoped<GetUrgencyReport>();
        builder.Services.AddSingleton<SlotsTelemetry>();
        builder.Services.AddScoped<RequestRun>();
        builder.Services.AddScoped<GetBooking>();
        builder.Services.AddScoped<ListBookings>();
        builder.Services.AddScoped<AdvanceBooking>();
        builder.Services.AddScoped<MoveBooking>();
        builder.Services.AddScoped<ExplainAllocation>();
        builder.Services.AddScoped<WaitlistQueue>();
        builder.Services.AddScoped<ListWaitlist>();
        builder.Services.AddScoped<WithdrawFromWaitlist>();
        builder.Services.AddScoped<LapseDueHolds>();
        builder.Services.AddScoped<OfferFreedPlaces>();
        builder.Services.AddScoped<LapsePassedWindows>();
        builder.Services.AddSingleton<BookingHousekeeping>();
        builder.Services.AddHostedService(services => services.GetRequiredService<BookingHousekeeping>());
        builder.Services.AddScoped<SlotsDemoData>();
        builder.Services.AddEventHandler<ProductRegistered, ProductProjection>();
        builder.Services.AddEventHandler<InstitutionChanged, InstitutionProjection>();
        builder.Services.AddEventHandler<AgreementChanged, AgreementProjection>();
        builder.Services.AddEventHandler<PatientEnrolled, PatientProjection>();
        builder.Services.AddEventHandler<PatientConsentChanged, PatientProjection>();
        builder.Services.AddEventHandler<AuthorisationChanged, AuthorisationProjection>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<SlotsGrpcService>().RequireAuthorization(FederatedAuthentication.Policy);
    }

    /// <summary>Demo runs and bookings, once the registry's and approvals' demo entities have arrived here by event.</summary>
    public async Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SlotsDemoData>().SeedAsync(TimeSpan.FromSeconds(30), ct);
    }
}
