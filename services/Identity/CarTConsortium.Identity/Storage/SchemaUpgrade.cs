using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;

namespace CarTConsortium.Identity.Storage;

/// <summary>
/// The schema is created by <c>EnsureCreated</c>, which leaves an existing database alone: tables
/// added to the model since (the failure counts) are created here, with the provider's own SQL.
/// </summary>
internal static class SchemaUpgrade
{
    public static async Task AddMissingTableAsync(IdentityStore store, string table, Func<IdentityStore, CancellationToken, Task> probe, CancellationToken ct)
    {
        try
        {
            await probe(store, ct);
            return;
        }
        catch (DbException)
        {
            // The table is missing: an older database.
        }
        var model = store.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        var operations = store.GetService<IMigrationsModelDiffer>().GetDifferences(null, model)
            .Where(o => (o is CreateTableOperation t && t.Name == table) || (o is CreateIndexOperation i && i.Table == table))
            .ToList();
        var commands = store.GetService<IMigrationsSqlGenerator>().Generate(operations, store.GetService<IDesignTimeModel>().Model);
        await store.GetService<IMigrationCommandExecutor>().ExecuteNonQueryAsync(commands, store.GetService<IRelationalConnection>(), ct);
    }
}
