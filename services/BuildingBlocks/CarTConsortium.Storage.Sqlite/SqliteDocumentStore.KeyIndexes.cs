using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Data.Sqlite;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// A partial expression index per key: (json_extract(keys, '$.key'), collection) WHERE the key is not null. Documents of
/// the other collections, and those whose key is null, are not in it, so a write touches only the indexes of the keys
/// it has. On a WITHOUT ROWID table a secondary index carries the primary key after its own columns, so each entry is
/// (key value, collection, id): exactly what <see cref="QueryAsync"/> filters and orders by, and enough to answer a
/// count or an id-only query without reading the row. (Leading with the collection instead makes SQLite prefer the
/// primary key and scan the collection until it has statistics.) An equality on the key implies it is not null, so
/// SQLite takes the partial index for every key query.
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

    /// <summary>
    /// Creates the key's index, or replaces one of another definition (earlier releases indexed every document of
    /// every collection): SQLite keeps the statement as written, so a different text is a different index.
    /// </summary>
    private static void CreateKeyIndex(SqliteConnection connection, string key)
    {
        var definition = KeyIndexDefinition(key);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $name";
        command.Parameters.AddWithValue("$name", $"documents_by_{key}");
        var existing = command.ExecuteScalar() as string;
        if (existing == definition)
        {
            return;
        }
        if (existing is not null)
        {
            SqliteFile.Execute(connection, $"DROP INDEX documents_by_{key}");
        }
        SqliteFile.Execute(connection, definition);
    }

    /// <summary>The index's CREATE statement, in the form sqlite_master keeps it.</summary>
    internal static string KeyIndexDefinition(string key) =>
        $"CREATE INDEX documents_by_{key} ON documents (json_extract(keys, '$.{key}'), collection) WHERE json_extract(keys, '$.{key}') IS NOT NULL";

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex KeyName();
}
