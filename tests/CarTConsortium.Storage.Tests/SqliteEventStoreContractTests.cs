using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;

namespace CarTConsortium.Storage.Tests;

public sealed class SqliteEventStoreContractTests : EventStoreContractTests, IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-event-store-");

    protected override IEventStoreUnderTest CreateStore(TimeProvider clock)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.db");
        SqliteDocumentStore Open() => new(path, new OutboxSignal(), clock: clock);
        return new EventStoreUnderTest<SqliteDocumentStore>(Open(), Open);
    }

    public void Dispose()
    {
        _folder.Dispose();
    }
}
