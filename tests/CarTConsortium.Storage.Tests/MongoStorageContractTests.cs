using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.MongoDb;
using MongoDB.Driver;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// The same contract against MongoDB. It needs a MongoDB replica set (transactions), which
/// cannot run on every machine, so it runs where CARTC_TEST_MONGODB_URI names one, e.g.
/// mongodb://localhost:27017/?replicaSet=rs0 . Each test uses a database of its own.
/// </summary>
public sealed class MongoStorageContractTests : StorageContractTests, IDisposable
{
    public const string UriVariable = MongoTestDatabases.UriVariable;

    private readonly MongoTestDatabases _databases = new();

    protected override IStoreUnderTest CreateStore()
    {
        var (client, name) = _databases.Create();
        return new MongoStore(client, name);
    }

    public void Dispose()
    {
        _databases.Dispose();
    }

    private sealed class MongoStore(MongoClient client, string database) : IStoreUnderTest
    {
        private readonly MongoDocumentStore _store = new(client.GetDatabase(database), new OutboxSignal());

        public IDocumentStore Documents => _store;
        public IOutbox Outbox => _store;
        public IInbox Inbox => _store;
        public IDeadLetterStore DeadLetters => _store;

        public IStoreUnderTest Reopen() => new MongoStore(client, database);
    }
}
