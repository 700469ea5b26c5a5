using CarTConsortium.Approvals.ReadModels;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Approvals.Tests.ReadModels;

public sealed class ProjectionPoisonTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-approvals-poison-");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_event_without_a_product_id_is_poison(bool withEmptyProduct)
    {
        var store = new SqliteDocumentStore(Path.Combine(_folder, $"{withEmptyProduct}.db"), new OutboxSignal());
        var projection = new ProductProjection(store);
        var integrationEvent = withEmptyProduct ? new ProductRegistered { Product = new Product() } : new ProductRegistered();
        var envelope = new EventEnvelope("e1", IntegrationEvents.TopicOf<ProductRegistered>(), "registry", DateTimeOffset.UtcNow, "{}", null);

        await Assert.ThrowsAsync<PoisonEventException>(() =>
            projection.HandleAsync(integrationEvent, new EventContext(envelope, 1, new ChangeSet()), CancellationToken.None));
    }

    public void Dispose()
    {
        _folder.Dispose();
    }
}
