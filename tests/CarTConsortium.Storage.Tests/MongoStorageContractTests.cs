using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.MongoDb;
using MongoDB.Driver;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// The same contract against MongoDB. It needs a MongoDB replica set (transactions), which
/// cannot run on every machine, so it runs where CARTC_TEST_MONGODB_URI names one, e.g.
/// mongodb://localhost:27017/?replicaSet=rs0 . Each test uses a database of its own.
/// </summary>
public sealed class MongoStorageContractTests : StorageContractTests, IDisposable
{
    public const string UriVariable = "CARTC_TEST_MONGODB_URI";

    private readonly List<string> _databases = [];
    private readonly MongoClient? _client = Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } uri ? new MongoClient(uri) : null;

    protected override IStoreUnderTest CreateStore()
    {
        Assert.SkipWhen(_client is null, $"No MongoDB server here: set {UriVariable} to a replica set's URI to run the MongoDB adapter's contract tests.");
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
