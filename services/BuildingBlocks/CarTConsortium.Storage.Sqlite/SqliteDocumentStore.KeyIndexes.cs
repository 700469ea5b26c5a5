using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Data.Sqlite;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// A partial expression index per key: json_extract(keys, '$.key') WHERE the key is not null, so documents whose key is
/// null, or whose collection has no such key, are not in it and a write touches only the indexes of the keys it has.
/// On a WITHOUT ROWID table a secondary index carries the primary key after its own columns, so each entry is
/// (key value, collection, id): exactly what <see cref="QueryAsync"/> filters and orders by, and all a count or an
/// id-only query reads (a covering index: no row looked up per match). An equality on the key implies it is not null,
/// so SQLite takes the partial index for every key query. (Naming the collection as a column of its own, or leading
/// with it, makes SQLite prefer the primary key and scan the collection until it has statistics.)
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
        $"CREATE INDEX documents_by_{key} ON documents (json_extract(keys, '$.{key}')) WHERE json_extract(keys, '$.{key}') IS NOT NULL";

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex KeyName();
}
