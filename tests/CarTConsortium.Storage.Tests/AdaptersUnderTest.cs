using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.MongoDb;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using MongoDB.Driver;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>One store instance on the test's database, with what the host runs at start beside the ports.</summary>
public sealed record OpenedStore(IDocumentStore Documents, IOutbox Outbox, Func<IEnumerable<IDocumentCollection>, Task<int>> PrepareCollectionsAsync);

/// <summary>One database of one adapter; every <see cref="Open"/> is another instance on it (another replica, or after a restart).</summary>
public interface IAdapterUnderTest : IDisposable
{
    OpenedStore Open();
}

public sealed class SqliteAdapterUnderTest : IAdapterUnderTest
{
    private readonly TemporaryFolder _folder = new("cartc-storage-");

    public string DatabasePath => Path.Combine(_folder, "service.db");

    public OpenedStore Open()
    {
        var store = new SqliteDocumentStore(DatabasePath, new OutboxSignal());
        return new OpenedStore(store, store, collections => store.PrepareCollectionsAsync(collections, CancellationToken.None));
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>Runs where CARTC_TEST_MONGODB_URI names a replica set; skips the test elsewhere.</summary>
public sealed class MongoAdapterUnderTest : IAdapterUnderTest
{
    private readonly MongoClient? _client = Environment.GetEnvironmentVariable(MongoStorageContractTests.UriVariable) is { Length: > 0 } uri ? new MongoClient(uri) : null;

    public string DatabaseName { get; } = $"cartc_test_{Guid.NewGuid():N}";

    public IMongoDatabase Database
    {
        get
        {
            Assert.SkipWhen(_client is null, $"No MongoDB server here: set {MongoStorageContractTests.UriVariable} to a replica set's URI to run the MongoDB adapter's contract tests.");
            return _client!.GetDatabase(DatabaseName);
        }
    }

    public OpenedStore Open()
    {
        var store = new MongoDocumentStore(Database, new OutboxSignal());
        return new OpenedStore(store, store, collections => store.PrepareCollectionsAsync(collections, CancellationToken.None));
    }

    public void Dispose()
    {
        _client?.DropDatabase(DatabaseName);
        _client?.Dispose();
    }
}
