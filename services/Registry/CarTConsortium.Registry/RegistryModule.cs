using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Api;
using CarTConsortium.Registry.DemoData;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Fhir;
using CarTConsortium.Registry.UseCases.Members;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Registry.UseCases.Products;
using CarTConsortium.Registry.UseCases.Statistics;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RegistryService = CarTConsortium.Contracts.Registry.V1.RegistryService;
using Rpc = CarTConsortium.Contracts.Registry.V1.RegistryService.RegistryServiceBase;

namespace CarTConsortium.Registry;

/// <summary>
/// The registry's whole wiring. The host has given it storage and eventing; it adds its
/// use cases and its gRPC service.
/// </summary>
public sealed class RegistryModule : IServiceModule
{
    public string AppId => "registry";

    public void AddServices(WebApplicationBuilder builder)
    {
        builder.AddFederatedAuthentication();
        builder.Services.AddRpcAccess(RegistryService.Descriptor, scope: "registry", rpc => rpc
            // Members and the catalogue are the consortium's: only its admins change them; everyone reads them.
            .Allow(nameof(Rpc.AdmitCountry), Roles.ConsortiumAdmin)
            .AllowAnyRole(nameof(Rpc.ListCountries))
            .Allow(nameof(Rpc.SignAgreement), Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.EndAgreement), Roles.ConsortiumAdmin)
            .AllowAnyRole(nameof(Rpc.ListAgreements))
            .Allow(nameof(Rpc.RegisterInstitution), Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.UpdateInstitution), Roles.ConsortiumAdmin)
            .AllowAnyRole(nameof(Rpc.GetInstitution))
            .AllowAnyRole(nameof(Rpc.ListInstitutions))
            .Allow(nameof(Rpc.RegisterProduct), Roles.ConsortiumAdmin)
            .AllowAnyRole(nameof(Rpc.GetProduct))
            .AllowAnyRole(nameof(Rpc.ListProducts))
            // Patient-level data: the treating institution writes, and who reads is decided per record by
            // country, institution and consent (both rules in Domain/Patients/PatientVisibility).
            .Allow(nameof(Rpc.EnrolPatient), Roles.Clinician, Roles.HospitalCoordinator)
            .Allow(nameof(Rpc.ChangeConsent), Roles.Clinician, Roles.HospitalCoordinator)
            .Allow(nameof(Rpc.RecordInfusion), Roles.Clinician)
            .Allow(nameof(Rpc.RecordOutcome), Roles.Clinician)
            .Allow(nameof(Rpc.GetPatient), Roles.Clinician, Roles.HospitalCoordinator, Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.ListPatients), Roles.Clinician, Roles.HospitalCoordinator, Roles.ConsortiumAdmin)
            .Allow(nameof(Rpc.ListAccessLog), Roles.Clinician, Roles.ConsortiumAdmin)
            // Aggregates with small cells suppressed are for everyone.
            .Allow(nameof(Rpc.PublishStatisticsRelease), Roles.ConsortiumAdmin)
            .AllowAnyRole(nameof(Rpc.ListStatisticsReleases))
            .AllowAnyRole(nameof(Rpc.GetStatistics)));
        // Each member country's pseudonymisation secret; without usable ones the registry does not start.
        builder.Services.AddValidatedSettings<RegistryOptions, RegistryOptionsValidator>(builder.Configuration);
        // ... and one for every country it trusts an issuer for.
        builder.Services.AddSingleton<IValidateOptions<RegistryOptions>>(TrustedCountrySecrets.From(builder.Configuration));
        // The store creates their key indexes and back-fills new keys at start.
        builder.Services.AddDocumentCollectionsFrom(typeof(Storage.RegistryCollections));
        // In the background: statistics answer "being built" until then, and patient writes need not wait for the scan.
        builder.Services.AddHostedService<StatisticsTalliesJob>();
        builder.Services.AddSingleton(services => new Pseudonymiser(services.GetRequiredService<IOptions<RegistryOptions>>().Value.Pseudonymisation));
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<RegistryOptions>>().Value.Enrolment.Limit());
        builder.Services.AddSingleton<EnrolmentTelemetry>();
        builder.Services.AddSingleton<EnrolmentGates>();

        builder.Services.AddScoped<AdmitCountry>();
        builder.Services.AddScoped<ListCountries>();
        builder.Services.AddScoped<SignAgreement>();
        builder.Services.AddScoped<EndAgreement>();
        builder.Services.AddScoped<ListAgreements>();
        builder.Services.AddScoped<RegisterInstitution>();
        builder.Services.AddScoped<UpdateInstitution>();
        builder.Services.AddScoped<GetInstitution>();
        builder.Services.AddScoped<ListInstitutions>();
        builder.Services.AddScoped<RegisterProduct>();
        builder.Services.AddScoped<GetProduct>();
        builder.Services.AddScoped<ListProducts>();
        builder.Services.AddScoped<EnrolPatient>();
        builder.Services.AddScoped<GetPatient>();
        builder.Services.AddScoped<ListPatients>();
        builder.Services.AddScoped<ChangeConsent>();
        builder.Services.AddScoped<RecordInfusion>();
        builder.Services.AddScoped<RecordOutcome>();
        builder.Services.AddScoped<ListAccessLog>();
        builder.Services.AddScoped<GetStatistics>();
        // One per process: the statistics cube every request shares, read again when the tallies change.
        builder.Services.AddSingleton<StatisticsSnapshots>();
        builder.Services.AddScoped<BuildStatisticsTallies>();
        builder.Services.AddScoped<PublishStatisticsRelease>();
        builder.Services.AddSingleton<StatisticsReleaseCubes>();
        builder.Services.AddScoped<ListStatisticsReleases>();

        builder.Services.AddScoped<ExportPatientFhir>();
        builder.Services.AddScoped<ExportRegistryFhir>();
        builder.Services.AddScoped<ImportFhirBundle>();

        builder.Services.AddScoped<RegistryDemoData>();
        builder.Services.AddScoped<DemoPatients>();
    }

    public void MapEndpoints(WebApplication app)
    {
        app.MapGrpcService<RegistryGrpcService>().RequireAuthorization(FederatedAuthentication.Policy);
        // FHIR R4 export and import; each route's role rule is in Api/FhirAccess.
        FhirEndpoints.Map(app);
    }

    /// <summary>The demo members, products and patients, each loaded once into an empty registry, and their statistics.</summary>
    public async Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RegistryDemoData>().SeedAsync(ct);
        // Built here too, so the demo answers statistics as soon as it is seeded rather than after the job's first round.
        await scope.ServiceProvider.GetRequiredService<BuildStatisticsTallies>().ExecuteAsync(ct);
        // The statistics answer only from releases: the demo cuts its first one once seeded, so its figures show at once.
        if ((await scope.ServiceProvider.GetRequiredService<ListStatisticsReleases>().ExecuteAsync(ct)).Count == 0)
        {
            await scope.ServiceProvider.GetRequiredService<PublishStatisticsRelease>().ExecuteAsync(ct);
        }
    }
}
