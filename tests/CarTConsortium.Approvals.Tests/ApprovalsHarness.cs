using CarTConsortium.Approvals.ReadModels;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Leases;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CarTConsortium.Approvals.Tests;

/// <summary>
/// Approvals' storage and event handling as a host wires them: one SQLite file in a temp
/// folder, and the real dispatcher running the projections of the registry's products, countries and institutions.
/// </summary>
public sealed class ApprovalsHarness : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-approvals-");
    private readonly ServiceProvider _services;

    public ApprovalsHarness()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(Options.Create(new EventingOptions { AppId = "approvals" }));
        services.AddSqliteStorage(Path.Combine(_folder, "approvals.db"));
        services.AddSingleton<EventDispatcher>();
        services.AddEventHandler<ProductRegistered, ProductProjection>();
        services.AddEventHandler<CountryAdmitted, CountryProjection>();
        services.AddEventHandler<InstitutionChanged, InstitutionProjection>();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        Store = _services.GetRequiredService<SqliteDocumentStore>();
        Dispatcher = _services.GetRequiredService<EventDispatcher>();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.Zero));

    public SqliteDocumentStore Store { get; }

    public EventDispatcher Dispatcher { get; }

    /// <summary>The leases a job of this app runs under.</summary>
    public LeasedWork Leases => _services.GetRequiredService<LeasedWork>();

    /// <summary>Delivers the registry's announcement of a product, as a new event, for the first time.</summary>
    public Task<DeliveryOutcome> AnnounceAsync(string productId, string name, long registryVersion = 1) =>
        Dispatcher.DispatchAsync(Envelope(Registered(productId, name, registryVersion)), 1, CancellationToken.None);

    /// <summary>Delivers the registry's admission of a country.</summary>
    public Task<DeliveryOutcome> AdmitAsync(string countryCode, bool member = true) =>
        Dispatcher.DispatchAsync(EnvelopeOf(new CountryAdmitted
        {
            Country = new Country { CountryCode = countryCode, Name = countryCode, Membership = member ? Membership.Member : Membership.Reference, Revision = new() { Version = 1 } },
        }), 1, CancellationToken.None);

    /// <summary>Delivers the registry's announcement of an institution.</summary>
    public Task<DeliveryOutcome> InstitutionAsync(string institutionId, string countryCode) =>
        Dispatcher.DispatchAsync(EnvelopeOf(new InstitutionChanged
        {
            Institution = new Institution { InstitutionId = institutionId, CountryCode = countryCode, Kind = InstitutionKind.TreatmentCentre, Revision = new() { Version = 1 } },
        }), 1, CancellationToken.None);

    public static EventEnvelope EnvelopeOf<T>(T integrationEvent) where T : IMessage<T>, new() =>
        new(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<T>(), "registry", DateTimeOffset.UtcNow, JsonFormatter.Default.Format(integrationEvent), null);

    public static ProductRegistered Registered(string productId, string name, long registryVersion) => new()
    {
        Product = new Product
        {
            ProductId = productId,
            Name = name,
            TargetAntigen = "CD19",
            CellSource = CellSource.Autologous,
            Manufacturer = "National Center for Biotechnology, Astana",
            RegisteredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero)),
            Revision = new Contracts.Common.V1.Revision { Version = registryVersion },
        },
    };

    /// <summary>A fresh envelope (a new event id) around <paramref name="registered"/>, as the registry's outbox relay sends it.</summary>
    public static EventEnvelope Envelope(ProductRegistered registered) =>
        new(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<ProductRegistered>(), "registry", DateTimeOffset.UtcNow,
            JsonFormatter.Default.Format(registered), null);

    public async Task<IReadOnlyList<Stored<KnownProduct>>> KnownProductsAsync() =>
        (await Store.QueryAsync(ApprovalsCollections.KnownProducts, DocumentQuery.All, CancellationToken.None)).Items;

    public void Dispose()
    {
        _services.Dispose();
        _folder.Dispose();
    }
}
