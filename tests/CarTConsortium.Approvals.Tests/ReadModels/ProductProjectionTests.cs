using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.ReadModels;
using CarTConsortium.Approvals.UseCases.Authorisations;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace CarTConsortium.Approvals.Tests.ReadModels;

/// <summary>Approvals' copy of the registry's catalogue, fed through the real dispatcher onto a real SQLite file.</summary>
public sealed class ProductProjectionTests : IDisposable
{
    private const string ProductId = "ncb-cd19-academic";

    private readonly ApprovalsHarness _harness = new();

    [Fact]
    public async Task An_announced_product_becomes_known_with_its_name_and_registry_revision()
    {
        Assert.Equal(DeliveryOutcome.Success, await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T"));

        var known = Assert.Single(await _harness.KnownProductsAsync());
        Assert.Equal(ProductId, known.Id);
        Assert.Equal(1, known.Version);
        Assert.Equal(new KnownProduct(ProductId, "Academic CD19 CAR-T", 1), known.Value);
    }

    [Fact]
    public async Task A_redelivered_event_applies_once()
    {
        var envelope = ApprovalsHarness.Envelope(ApprovalsHarness.Registered(ProductId, "Academic CD19 CAR-T", 1));

        Assert.Equal(DeliveryOutcome.Success, await _harness.Dispatcher.DispatchAsync(envelope, 1, CancellationToken.None));
        Assert.Equal(DeliveryOutcome.Success, await _harness.Dispatcher.DispatchAsync(envelope, 2, CancellationToken.None));
        Assert.Equal(DeliveryOutcome.Success, await _harness.Dispatcher.DispatchAsync(envelope, 1, CancellationToken.None));

        var known = Assert.Single(await _harness.KnownProductsAsync());
        Assert.Equal(1, known.Version);
        Assert.Equal(new KnownProduct(ProductId, "Academic CD19 CAR-T", 1), known.Value);
        Assert.True(await _harness.Store.HasHandledAsync(typeof(ProductProjection).FullName!, envelope.Id, CancellationToken.None));
        Assert.Empty(await _harness.Store.ListAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task The_same_revision_published_again_as_a_new_event_changes_nothing()
    {
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T");
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T");

        var known = Assert.Single(await _harness.KnownProductsAsync());
        Assert.Equal(1, known.Version);
        Assert.Equal(1, known.Value.RegistryVersion);
    }

    [Fact]
    public async Task An_older_registry_revision_does_not_overwrite_a_newer_one()
    {
        Assert.Equal(DeliveryOutcome.Success, await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T (Prodigy)", registryVersion: 2));
        Assert.Equal(DeliveryOutcome.Success, await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T", registryVersion: 1));

        var known = Assert.Single(await _harness.KnownProductsAsync());
        Assert.Equal(1, known.Version);
        Assert.Equal(new KnownProduct(ProductId, "Academic CD19 CAR-T (Prodigy)", 2), known.Value);
    }

    [Fact]
    public async Task A_newer_registry_revision_updates_the_copy()
    {
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T", registryVersion: 1);
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T (Prodigy)", registryVersion: 2);
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T (Prodigy, 2nd site)", registryVersion: 5);

        var known = Assert.Single(await _harness.KnownProductsAsync());
        Assert.Equal(3, known.Version);
        Assert.Equal(new KnownProduct(ProductId, "Academic CD19 CAR-T (Prodigy, 2nd site)", 5), known.Value);
    }

    [Fact]
    public async Task A_product_announced_without_a_revision_counts_as_revision_0()
    {
        var unversioned = ApprovalsHarness.Registered(ProductId, "Academic CD19 CAR-T", 1);
        unversioned.Product.Revision = null;

        await _harness.Dispatcher.DispatchAsync(ApprovalsHarness.Envelope(unversioned), 1, CancellationToken.None);
        Assert.Equal(0, Assert.Single(await _harness.KnownProductsAsync()).Value.RegistryVersion);
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T (Prodigy)", registryVersion: 1);

        var known = Assert.Single(await _harness.KnownProductsAsync());
        Assert.Equal(2, known.Version);
        Assert.Equal(new KnownProduct(ProductId, "Academic CD19 CAR-T (Prodigy)", 1), known.Value);
    }

    [Fact]
    public async Task Each_product_keeps_its_own_copy()
    {
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T", registryVersion: 3);
        await _harness.AnnounceAsync("nexcar19", "NexCAR19", registryVersion: 1);

        Assert.Equal(
            [new KnownProduct(ProductId, "Academic CD19 CAR-T", 3), new KnownProduct("nexcar19", "NexCAR19", 1)],
            (await _harness.KnownProductsAsync()).Select(k => k.Value));
    }

    [Fact]
    public async Task Through_the_modules_own_wiring_the_projection_feeds_the_register()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(FederationSettings.OneIssuer);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(_harness.Clock);
        builder.Services.AddSingleton(Options.Create(new EventingOptions { AppId = "approvals" }));
        builder.Services.AddSingleton<IDocumentStore>(_harness.Store);
        builder.Services.AddSingleton<IInbox>(_harness.Store);
        builder.Services.AddSingleton<IDeliveryAttemptStore>(_harness.Store);
        builder.Services.AddSingleton<IDeadLetterOperations>(_harness.Store);
        builder.Services.AddSingleton<EventDispatcher>();
        var module = new ApprovalsModule();
        module.AddServices(builder);
        // The module's registrations are what matter here; no server is built.
        await using var services = builder.Services.BuildServiceProvider();
        var dispatcher = services.GetRequiredService<EventDispatcher>();

        Assert.Equal([IntegrationEvents.TopicOf<CountryAdmitted>(), IntegrationEvents.TopicOf<InstitutionChanged>(), IntegrationEvents.TopicOf<ProductRegistered>()],
            dispatcher.Topics.Order(StringComparer.Ordinal));
        Assert.Equal(DeliveryOutcome.Success, await dispatcher.DispatchAsync(
            ApprovalsHarness.Envelope(ApprovalsHarness.Registered(ProductId, "Academic CD19 CAR-T", 1)), 1, CancellationToken.None));
        Assert.Equal(DeliveryOutcome.Success, await dispatcher.DispatchAsync(ApprovalsHarness.EnvelopeOf(new CountryAdmitted
        {
            Country = new Country { CountryCode = "EU", Name = "European Union", Membership = Membership.Reference, Revision = new() { Version = 1 } },
        }), 1, CancellationToken.None));
        await using var scope = services.CreateAsyncScope();
        var recorded = await scope.ServiceProvider.GetRequiredService<RecordAuthorisation>().ExecuteAsync(
            new RecordAuthorisationCommand(ProductId, "EU", Authority.Ema, Pathway.Conditional, new ScopeInput("r/r B-ALL", 0, 25, [])), Callers.Admin, CancellationToken.None);

        Assert.Equal("ncb-cd19-academic.EU.Conditional", recorded.Id);
        Assert.Equal(AuthorisationStatus.Planned, recorded.Value.Status);
        Assert.Equal("approvals", module.AppId);
        Assert.IsType<SqliteDocumentStore>(services.GetRequiredService<IDocumentStore>());
    }

    public void Dispose() => _harness.Dispose();
}
