using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.MongoDb;

namespace CarTConsortium.Storage.Tests;

/// <summary>The same contract against MongoDB, where <see cref="MongoTestDatabases.UriVariable"/> names a replica set.</summary>
public sealed class MongoEventStoreContractTests : EventStoreContractTests, IDisposable
{
    private readonly MongoTestDatabases _databases = new();

    protected override IEventStoreUnderTest CreateStore(TimeProvider clock)
    {
        var (client, name) = _databases.Create();
        MongoDocumentStore Open() => new(client.GetDatabase(name), new OutboxSignal(), clock);
        return new EventStoreUnderTest<MongoDocumentStore>(Open(), Open);
    }

    public void Dispose()
    {
        _databases.Dispose();
    }
}
