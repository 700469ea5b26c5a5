using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CarTConsortium.Eventing.Tests;

/// <summary>What a projection writes: one document per product it saw.</summary>
public sealed record SeenProduct(string ProductId, string Name);

public static class Seen
{
    public static readonly Collection<SeenProduct> Products = new("seen_products");
}

/// <summary>A read-model projection like the ones services keep of each other's data.</summary>
public sealed class ProductProjection(FailureScript script) : IEventHandler<ProductRegistered>
{
    public Task HandleAsync(ProductRegistered integrationEvent, EventContext context, CancellationToken ct)
    {
        script.OnDelivery(integrationEvent.Product.ProductId, context.Attempt);
        context.Changes.Insert(Seen.Products, integrationEvent.Product.ProductId,
            new SeenProduct(integrationEvent.Product.ProductId, integrationEvent.Product.Name));
        return Task.CompletedTask;
    }
}

/// <summary>Tells a test handler when to fail, and counts its deliveries.</summary>
public sealed class FailureScript
{
    private readonly Lock _gate = new();
    private readonly List<(string ProductId, int Attempt)> _deliveries = [];

    /// <summary>Deliveries of a product that fail with a transient error before one succeeds.</summary>
    public Dictionary<string, int> TransientFailures { get; } = [];

    public HashSet<string> Poison { get; } = [];

    /// <summary>Products whose deliveries the handler cannot apply yet (it defers them) until taken out of this set.</summary>
    public HashSet<string> NotYet { get; } = [];

    public IReadOnlyList<(string ProductId, int Attempt)> Deliveries
    {
        get { lock (_gate) { return _deliveries.ToArray(); } }
    }

    public void OnDelivery(string productId, int attempt)
    {
        lock (_gate)
        {
            _deliveries.Add((productId, attempt));
        }
        if (Poison.Contains(productId))
        {
            throw new PoisonEventException($"product {productId} can never be projected");
        }
        if (NotYet.Contains(productId))
        {
            throw new EventNotYetApplicableException($"the institution of product {productId} has not arrived");
        }
        if (TransientFailures.TryGetValue(productId, out var failures) && attempt <= failures)
        {
            throw new TimeoutException("the read model is busy");
        }
    }
}

/// <summary>
/// A real generic host per "app", on its own SQLite file, connected to a shared embedded
/// bus: the standalone mode in miniature.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(IHost host) => Host = host;

    public IHost Host { get; }
    public IServiceProvider Services => Host.Services;
    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    /// <summary>The test apps' dead-letter budget: long enough for a few retries on a busy machine, short enough to wait for.</summary>
    public static readonly TimeSpan DeadLetterAfter = TimeSpan.FromSeconds(1.5);

    public static async Task<TestApp> StartAsync(string appId, string folder, EmbeddedBus bus, Action<IServiceCollection>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eventing:AppId"] = appId,
            ["Eventing:DeadLetterAfter"] = TestApp.DeadLetterAfter.ToString(),
            ["Eventing:RetryBaseDelay"] = "00:00:00.020",
            ["Eventing:RetryMaxDelay"] = "00:00:00.100",
            ["Eventing:OutboxPollInterval"] = "00:00:00.200",
        });
        builder.Services.AddSqliteStorage(Path.Combine(folder, appId + ".db"));
        builder.Services.AddEmbeddedEventing(bus, builder.Configuration);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new TestApp(host);
    }

    /// <summary>An app that projects every ProductRegistered it receives into <see cref="Seen.Products"/>, as <paramref name="script"/> says.</summary>
    public static Task<TestApp> StartProjectionAsync(string appId, string folder, EmbeddedBus bus, FailureScript script) =>
        StartAsync(appId, folder, bus, services =>
        {
            services.AddSingleton(script);
            services.AddEventHandler<ProductRegistered, ProductProjection>();
        });

    /// <summary>A ProductRegistered as it would stand in the bus, sent by <paramref name="source"/>.</summary>
    public static EventEnvelope ProductEnvelope(string productId, string source = "registry") =>
        new(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<ProductRegistered>(), source, DateTimeOffset.UtcNow,
            Google.Protobuf.JsonFormatter.Default.Format(OutboxAndInboxTests.Registered(productId)), null);

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
