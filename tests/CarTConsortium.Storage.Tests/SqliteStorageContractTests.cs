using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;

namespace CarTConsortium.Storage.Tests;

public sealed class SqliteStorageContractTests : StorageContractTests, IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-storage-");

    protected override IStoreUnderTest CreateStore() => new SqliteStore(Path.Combine(_folder, $"{Guid.NewGuid():N}.db"));

    public void Dispose()
    {
        _folder.Dispose();
    }

    // Disposable because it owns the store; the suite does not dispose it (the writer's thread ends when idle).
    private sealed class SqliteStore(string path) : IStoreUnderTest, IDisposable
    {
        private readonly SqliteDocumentStore _store = new(path, new OutboxSignal());

        public IDocumentStore Documents => _store;
        public IOutbox Outbox => _store;
        public IInbox Inbox => _store;
        public IDeadLetterStore DeadLetters => _store;

        public IStoreUnderTest Reopen() => new SqliteStore(path);

        public void Dispose() => _store.Dispose();
    }
}
