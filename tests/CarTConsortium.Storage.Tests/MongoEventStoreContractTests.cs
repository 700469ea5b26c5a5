using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.MongoDb;
using MongoDB.Driver;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>The same contract against MongoDB, where <see cref="MongoStorageContractTests.UriVariable"/> names a replica set.</summary>
public sealed class MongoEventStoreContractTests : EventStoreContractTests, IDisposable
{
    private readonly List<string> _databases = [];
    private readonly MongoClient? _client = Environment.GetEnvironmentVariable(MongoStorageContractTests.UriVariable) is { Length: > 0 } uri ? new MongoClient(uri) : null;

    protected override IEventStoreUnderTest CreateStore()
    {
        Assert.SkipWhen(_client is null, $"No MongoDB server here: set {MongoStorageContractTests.UriVariable} to a replica set's URI to run the MongoDB adapter's contract tests.");
        var name = $"cartc_test_{Guid.NewGuid():N}";
        _databases.Add(name);
        return new MongoStore(_client!, name);
    }

    public void Dispose()
    {
        foreach (var name in _databases)
        {
            _client?.DropDatabase(name);
        }
        _client?.Dispose();
    }

    private sealed class MongoStore(MongoClient client, string database) : IEventStoreUnderTest
    {
        private readonly MongoDocumentStore _store = new(client.GetDatabase(database), new OutboxSignal());

        public IDocumentStore Documents => _store;
        public IOutbox Outbox => _store;
        public IInbox Inbox => _store;
        public ILeaseStore Leases => _store;
        public IOutboxOperations Operations => _store;
        public IEventRetention Retention => _store;

        public IEventStoreUnderTest Replica() => new MongoStore(client, database);
    }
}
