using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Jobs;
using CarTConsortium.Procurement.ReadModels;
using CarTConsortium.Procurement.UseCases.Items;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Procurement.UseCases.PurchaseOrders;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// Procurement as its host wires it, minus gRPC: one SQLite file in a scratch folder, a fake
/// clock, the real event dispatcher projecting the registry's institutions, the catalogue and
/// pool use cases, and the closing job (registered as a hosted service, started only by the
/// tests that want it). The sample item and pool are spelled out once in <see cref="UseCaseSamples"/>.
/// </summary>
public sealed class ProcurementHarness : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ScratchFolder _folder = new("cartc-procurement-");
    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;

    /// <param name="closingCheckInterval">The longest the closing job sleeps; an hour unless a test says otherwise.</param>
    /// <param name="disclosureCountries">Procurement:Disclosure:MinCountries; the default unless a test says otherwise.</param>
    public ProcurementHarness(TimeSpan? closingCheckInterval = null, int disclosureCountries = Procurement.Domain.Pools.PoolDisclosure.DefaultMinCountries)
    {
        DatabasePath = Path.Combine(_folder.Path, "procurement.db");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton(Options.Create(new EventingOptions { AppId = "procurement" }));
        services.AddSingleton(Options.Create(new ProcurementOptions
        {
            ClosingCheckInterval = closingCheckInterval ?? TimeSpan.FromHours(1),
            Disclosure = new DisclosureSettings { MinCountries = disclosureCountries },
        }));
        services.AddSqliteStorage(DatabasePath);
        services.AddSingleton<EventDispatcher>();
        services.AddEventHandler<InstitutionChanged, InstitutionProjection>();
        // As ProcurementModule wires them.
        services.AddSingleton<PoolsOpened>();
        ProcurementModule.AddUseCases(services);
        services.AddSingleton<PoolClosingJob>();
        services.AddHostedService(sp => sp.GetRequiredService<PoolClosingJob>());
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        _scope = _services.CreateScope();
        Store = _services.GetRequiredService<SqliteDocumentStore>();
        Dispatcher = _services.GetRequiredService<EventDispatcher>();
        T UseCase<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();
        Viewers = UseCase<PoolViewers>();
        RegisterItem = UseCase<RegisterItem>();
        UpdateItem = UseCase<UpdateItem>();
        GetItem = UseCase<GetItem>();
        ListItems = UseCase<ListItems>();
        OpenPool = UseCase<OpenPool>();
        GetPool = UseCase<GetPool>();
        ListPools = UseCase<ListPools>();
        ClosePool = UseCase<ClosePool>();
        CommitToPool = UseCase<CommitToPool>();
        WithdrawCommitment = UseCase<WithdrawCommitment>();
        GetSavings = UseCase<GetSavings>();
        CloseDuePools = UseCase<CloseDuePools>();
        NextClosingTime = UseCase<NextClosingTime>();
        GetPurchaseOrder = UseCase<GetPurchaseOrder>();
        ListPurchaseOrders = UseCase<ListPurchaseOrders>();
    }

    public WatchedClock Clock { get; } = new(UseCaseSamples.Start);

    public string DatabasePath { get; }

    public SqliteDocumentStore Store { get; }

    public EventDispatcher Dispatcher { get; }

    public PoolViewers Viewers { get; }

    public RegisterItem RegisterItem { get; }

    public UpdateItem UpdateItem { get; }

    public GetItem GetItem { get; }

    public ListItems ListItems { get; }

    public OpenPool OpenPool { get; }

    public GetPool GetPool { get; }

    public ListPools ListPools { get; }

    public ClosePool ClosePool { get; }

    public CommitToPool CommitToPool { get; }

    public WithdrawCommitment WithdrawCommitment { get; }

    public GetSavings GetSavings { get; }

    public CloseDuePools CloseDuePools { get; }

    public NextClosingTime NextClosingTime { get; }

    public GetPurchaseOrder GetPurchaseOrder { get; }

    public ListPurchaseOrders ListPurchaseOrders { get; }

    /// <summary>The hosted services the app would start: the closing job.</summary>
    public IEnumerable<IHostedService> HostedServices => _services.GetServices<IHostedService>();

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>A procurement officer of <paramref name="country"/>, acting for its ministry of health.</summary>
    public static Caller Officer(string country) =>
        Callers.Of(Roles.ProcurementOfficer, country, $"{country.ToLowerInvariant()}-ministry-of-health");

    /// <summary>The institution of <paramref name="country"/> the tests deliver its units to.</summary>
    public static string DeliveryOf(string country) => $"{country.ToLowerInvariant()}-national-centre";

    /// <summary>Delivers the registry's InstitutionChanged for an institution, as a new event.</summary>
    public async Task InstitutionAsync(string institutionId, string countryCode, long registryVersion = 1)
    {
        var changed = new InstitutionChanged
        {
            Institution = new Institution
            {
                InstitutionId = institutionId,
                Name = $"National centre of {countryCode}",
                CountryCode = countryCode,
                Kind = InstitutionKind.TreatmentCentre,
                Revision = new Contracts.Common.V1.Revision { Version = registryVersion },
            },
        };
        var envelope = new EventEnvelope(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<InstitutionChanged>(), "registry",
            DateTimeOffset.UtcNow, JsonFormatter.Default.Format(changed), null);
        Assert.Equal(DeliveryOutcome.Success, await Dispatcher.DispatchAsync(envelope, 1, None));
    }

    /// <summary>The registry's delivery institution of each country, <see cref="DeliveryOf"/>.</summary>
    public async Task InstitutionsOfAsync(params string[] countries)
    {
        foreach (var country in countries)
        {
            await InstitutionAsync(DeliveryOf(country), country);
        }
    }

    /// <summary>The sample item (<see cref="UseCaseSamples.Item"/>) in the catalogue.</summary>
    public Task<Stored<CatalogueItem>> RegisterSampleItemAsync() =>
        RegisterItem.ExecuteAsync(new RegisterItemCommand(UseCaseSamples.Item, "Tocilizumab 400 mg/20 mL", ItemCategory.SupportiveMedicine, "vial", 1, "vial, 400 mg/20 mL", UseCaseSamples.Suppliers()), None);

    /// <summary>A pool of the sample item, opened now by the admin with the sample tiers, closing at <see cref="UseCaseSamples.ClosesAt"/> unless told.</summary>
    public Task<SeenPool> OpenSamplePoolAsync(int minimumVolume = 100, int? supplyCap = null, DateTimeOffset? closesAt = null,
        DateTimeOffset? opensAt = null) =>
        OpenPool.ExecuteAsync(new OpenPoolCommand("Tocilizumab for CRS management, 2027", UseCaseSamples.Item, UseCaseSamples.SupplierId, UseCaseSamples.Currency, UseCaseSamples.Tiers(), opensAt, closesAt ?? UseCaseSamples.ClosesAt, minimumVolume, supplyCap), Callers.Admin, None);

    /// <summary>
    /// <paramref name="country"/>'s officer commits (or amends, naming <paramref name="expectedRevision"/>) with the country's
    /// delivery institution and a budget reference of its own.
    /// </summary>
    public Task<SeenPool> CommitAsync(string poolId, string country, int quantity, decimal maxUnitPrice = 600m, long expectedRevision = 0) =>
        CommitToPool.ExecuteAsync(new CommitToPoolCommand(poolId, country, quantity, UseCaseSamples.Usd(maxUnitPrice), DeliveryOf(country), UseCaseSamples.BudgetOf(country), expectedRevision), Officer(country), None);

    public Task<SeenPool> GetAsync(string poolId) => GetPool.ExecuteAsync(new GetPoolCommand(poolId), Callers.Admin, None);

    /// <summary>Every event waiting in the outbox, in commit order.</summary>
    public Task<IReadOnlyList<OutboxMessage>> OutboxAsync() => Store.ReadPendingAsync(100_000, None);

    /// <summary>The topics in the outbox, in commit order.</summary>
    public async Task<List<string>> TopicsAsync() => [.. (await OutboxAsync()).Select(m => m.Topic)];

    /// <summary>Every event of type <typeparamref name="T"/> in the outbox, in commit order, parsed from its protobuf JSON.</summary>
    public async Task<List<T>> EventsAsync<T>(MessageParser<T> parser) where T : IMessage<T>, new()
    {
        var topic = IntegrationEvents.TopicOf<T>();
        return [.. (await OutboxAsync()).Where(m => m.Topic == topic).Select(m => parser.ParseJson(m.Payload))];
    }

    public async Task<int> CountAsync<T>(Collection<T> collection) where T : class =>
        (await Store.QueryAllAsync(collection, DocumentQuery.All, None)).Count;

    /// <summary>
    /// A second store on this harness's file, as a restarted app opens it: pooled connections
    /// are dropped first, so nothing it reads comes from the first store's connections.
    /// </summary>
    public SqliteDocumentStore Reopened()
    {
        SqliteConnection.ClearAllPools();
        return new SqliteDocumentStore(DatabasePath, new OutboxSignal());
    }

    public void Dispose()
    {
        _scope.Dispose();
        _services.Dispose();
        _folder.Dispose();
    }
}
