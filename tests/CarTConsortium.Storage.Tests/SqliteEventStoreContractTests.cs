using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;

namespace CarTConsortium.Storage.Tests;

public sealed class SqliteEventStoreContractTests : EventStoreContractTests, IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-event-store-");

    protected override IEventStoreUnderTest CreateStore() => new SqliteStore(Path.Combine(_folder, $"{Guid.NewGuid():N}.db"));

    public void Dispose()
    {
        _folder.Dispose();
    }

    private sealed class SqliteStore(string path) : IEventStoreUnderTest
    {
        private readonly SqliteDocumentStore _store = new(path, new OutboxSignal());

        public IDocumentStore Documents => _store;
        public IOutbox Outbox => _store;
        public IInbox Inbox => _store;
        public ILeaseStore Leases => _store;
        public IOutboxOperations Operations => _store;
        public IEventRetention Retention => _store;

        public IEventStoreUnderTest Replica() => new SqliteStore(path);
    }
}
