using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;

namespace CarTConsortium.Identity.Storage;

/// <summary>
/// Brings the schema up to date with EF Core migrations (Storage/Migrations/Sqlite and /PostgreSql).
/// EF takes a migration lock, so replicas starting together on one PostgreSQL database apply each
/// migration once. A SQLite database made by versions before migrations (EnsureCreated: tables, no
/// history) is first baselined: the tables the first migration creates and it lacks (the failure
/// counts came later) are created from that migration's own operations, and the first migration is
/// recorded as applied; the migrations after it then run as on any other database.
/// </summary>
internal static class SchemaUpgrade
{
    /// <summary>A table every database made by EnsureCreated has: OpenIddict's clients.</summary>
    private const string MarkerTable = "OpenIddictApplications";

    public static async Task MigrateAsync(IdentityStore store, CancellationToken ct)
    {
        if (store.Database.IsSqlite())
        {
            await BaselineAsync(store, ct);
        }
        await store.Database.MigrateAsync(ct);
    }

    /// <summary>Whether the database was made before migrations and has been baselined now.</summary>
    internal static async Task<bool> BaselineAsync(IdentityStore store, CancellationToken ct)
    {
        var history = store.GetService<IHistoryRepository>();
        if (await history.ExistsAsync(ct))
        {
            return false;
        }
        var tables = await store.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table'").ToListAsync(ct);
        if (!tables.Contains(MarkerTable, StringComparer.Ordinal))
        {
            return false;
        }

        var migrations = store.GetService<IMigrationsAssembly>();
        var (firstId, firstType) = migrations.Migrations.First();
        var first = migrations.CreateMigration(firstType, store.Database.ProviderName!);
        var missing = first.UpOperations
            .Where(o => (o is CreateTableOperation t && !tables.Contains(t.Name, StringComparer.Ordinal))
                || (o is CreateIndexOperation i && !tables.Contains(i.Table, StringComparer.Ordinal)))
            .ToList();
        var commands = store.GetService<IMigrationsSqlGenerator>().Generate(missing);

        await using var transaction = await store.Database.BeginTransactionAsync(ct);
        await store.GetService<IMigrationCommandExecutor>().ExecuteNonQueryAsync(commands, store.GetService<IRelationalConnection>(), ct);
        await store.Database.ExecuteSqlRawAsync(history.GetCreateScript(), ct);
        await store.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(firstId, EfVersion)), ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    private static string EfVersion =>
        typeof(DbContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "10.0";
}
