using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Data.Sqlite;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// An expression index per key on json_extract(keys, '$.key'). On a WITHOUT ROWID table a secondary index
/// carries the primary key after its own columns, so the index is (key value, collection, id): exactly what
/// <see cref="QueryAsync"/> filters and orders by. (Leading with the collection instead makes SQLite prefer
/// the primary key and scan the collection until it has statistics.)
/// </summary>
public sealed partial class SqliteDocumentStore : IKeyIndexes
{
    public async Task EnsureKeyIndexAsync<T>(Collection<T> collection, string key, CancellationToken ct = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(collection);
        // Inlined in DDL (parameters cannot name an expression): only a declared key of plain characters.
        if (!collection.HasKey(key) || !KeyName().IsMatch(key))
        {
            throw new ArgumentException($"The {collection.Name} collection has no key '{key}' to index.", nameof(key));
        }
        await _file.WriteAsync(connection => CreateKeyIndex(connection, key), ct);
    }

    private static void CreateKeyIndex(SqliteConnection connection, string key) =>
        SqliteFile.Execute(connection, $"CREATE INDEX IF NOT EXISTS documents_by_{key} ON documents (json_extract(keys, '$.{key}'))");

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex KeyName();
}
