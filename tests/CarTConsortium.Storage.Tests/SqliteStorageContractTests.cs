using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;

namespace CarTConsortium.Storage.Tests;

public sealed class SqliteStorageContractTests : StorageContractTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cartc-storage-").FullName;

    protected override IStoreUnderTest CreateStore() => new SqliteStore(Path.Combine(_folder, $"{Guid.NewGuid():N}.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class SqliteStore(string path) : IStoreUnderTest
    {
        private readonly SqliteDocumentStore _store = new(path, new OutboxSignal());

        public IDocumentStore Documents => _store;
        public IOutbox Outbox => _store;
        public IInbox Inbox => _store;
        public IDeadLetterStore DeadLetters => _store;

        public IStoreUnderTest Reopen() => new SqliteStore(path);
    }
}
