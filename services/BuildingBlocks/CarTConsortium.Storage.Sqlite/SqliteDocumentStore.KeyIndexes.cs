using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>
/// An expression index per key: (collection, json_extract(keys, '$.key'), id) is exactly what
/// <see cref="QueryAsync"/> filters and orders by, so SQLite answers a key query from the index.
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
        await using var connection = await _file.OpenAsync(ct);
        await SqliteFile.ExecuteAsync(connection,
            $"CREATE INDEX IF NOT EXISTS documents_by_{key} ON documents (collection, json_extract(keys, '$.{key}'), id)", ct);
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex KeyName();
}
