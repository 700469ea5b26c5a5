using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// The access log only grows (a legal record, never pruned), and a clinician reads one patient's entries by
/// pseudonym: the module declares that key to the host's store, which indexes every declared key at start
/// (SQLite's collections initializer, MongoDB's start-up, from the same declared collections), so no hosted
/// service of the registry's own has to.
/// </summary>
public sealed class AccessLogIndexingTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-accesslog-");

    [Fact]
    public async Task The_modules_wiring_declares_the_access_logs_pseudonym_key_and_the_stores_start_indexes_it()
    {
        var path = Path.Combine(_folder, "registry.db");
        var store = new SqliteDocumentStore(path, new OutboxSignal());
        await using var services = ModuleWiring.Services(new RegistryModule(), store, new FakeTimeProvider());

        var declared = services.GetServices<IDocumentCollection>().ToList();
        var accessLog = Assert.Single(declared, collection => collection.Name == RegistryCollections.AccessLog.Name);
        Assert.Contains(AccessLogKeys.Pseudonym, accessLog.KeyNames);

        // What the host's store does at start with the declared collections.
        await store.PrepareCollectionsAsync(declared, CancellationToken.None);
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $name";
        command.Parameters.AddWithValue("$name", $"documents_by_{AccessLogKeys.Pseudonym}");
        var index = Assert.IsType<string>(await command.ExecuteScalarAsync());
        Assert.Contains($"json_extract(keys, '$.{AccessLogKeys.Pseudonym}')", index, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
