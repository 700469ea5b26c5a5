using System.Security.Cryptography;
using CarTConsortium.Identity.Keys;
using CarTConsortium.Identity.Storage;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>The schema by migrations: from an empty database, from one made before migrations, and per provider.</summary>
public sealed class MigrationTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-identity-migrations-");

    [Fact]
    public async Task An_empty_database_gets_every_migration_and_matches_the_model()
    {
        await using var replica = ReplicaStores.Replica(ReplicaStores.Settings(Path.Combine(_folder, "empty.db")), TimeProvider.System);

        await ReplicaStores.MigrateAsync(replica);

        await using var scope = replica.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
        Assert.Equal(store.Database.GetMigrations(), await store.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await store.Database.GetPendingMigrationsAsync());
        Assert.False(await store.Keys.AnyAsync());
    }

    [Fact]
    public void Each_providers_migrations_describe_the_current_model_and_only_their_own_provider()
    {
        var sqlite = new DbContextOptionsBuilder<SqliteIdentityStore>();
        DatabaseProviders.ConfigureSqlite(sqlite, "Data Source=unused.db");
        var postgres = new DbContextOptionsBuilder<PostgreSqlIdentityStore>();
        // Never opened: the model and the migrations are compared without a server.
        DatabaseProviders.ConfigurePostgreSql(postgres, "Host=unused.invalid;Database=identity");
        using var sqliteStore = new SqliteIdentityStore(sqlite.Options);
        using var postgresStore = new PostgreSqlIdentityStore(postgres.Options);
        IdentityStore[] stores = [sqliteStore, postgresStore];

        foreach (var (store, folder) in stores.Zip(["Sqlite", "PostgreSql"]))
        {
            Assert.False(store.Database.HasPendingModelChanges(), $"{store.GetType().Name}: the model changed since its last migration; add one (Storage/Migrations/README.md)");
            var migrations = store.GetService<IMigrationsAssembly>().Migrations.Values.ToList();
            Assert.NotEmpty(migrations);
            Assert.All(migrations, type => Assert.Equal($"CarTConsortium.Identity.Storage.Migrations.{folder}", type.Namespace));
        }
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", stores[1].Database.ProviderName);
        Assert.Equal(["Initial", "SharedReplicas"], stores[0].Database.GetMigrations().Select(Name));
        Assert.Equal(["Initial"], stores[1].Database.GetMigrations().Select(Name));
    }

    [Fact]
    public async Task A_database_made_before_migrations_is_baselined_and_keeps_its_keys_and_users()
    {
        // As versions before migrations left it: EnsureCreated's tables, no history, no failure counts, keys in clear.
        var now = DateTimeOffset.UtcNow;
        var file = Path.Combine(_folder, "identity-KZ.db");
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "identity-before-migrations.sql")));
            await InsertClearKeyAsync(connection, "before-1", KeyMaterial.Signing, now - TimeSpan.FromDays(20));
            await InsertClearKeyAsync(connection, "before-2", KeyMaterial.Signing, now + TimeSpan.FromDays(1));
            await InsertClearKeyAsync(connection, "before-enc", KeyMaterial.Encryption, now - TimeSpan.FromDays(20));
            await using var user = connection.CreateCommand();
            user.CommandText = """
                INSERT INTO "IdentityUsers" ("Id", "UserName", "NormalizedUserName", "PasswordHash", "DisplayName", "Org", "Roles")
                VALUES ('user-from-before', 'coordinator', 'COORDINATOR', $hash, NULL, 'old-org', 'clinician')
                """;
            user.Parameters.AddWithValue("$hash", new PasswordHasher<UserAccount>().HashPassword(new UserAccount(), "an-older-password"));
            await user.ExecuteNonQueryAsync();
        }

        await using (var provider = await IdentityProviderHost.StartAsync("KZ", _folder))
        {
            var token = await provider.ClientCredentialsTokenAsync();
            Assert.Equal("before-1", IdentityProviderHost.Kid(token));
            Assert.Equal(["before-1", "before-2"], (await provider.PublishedKidsAsync()).Order(StringComparer.Ordinal));
            Assert.True((await provider.ValidateAsync(token)).IsValid);

            await using var scope = provider.Services.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IdentityStore>();
            Assert.Equal(store.Database.GetMigrations(), await store.Database.GetAppliedMigrationsAsync());
            var keys = await store.Keys.AsNoTracking().ToDictionaryAsync(k => k.Id);
            Assert.Equal((0, 1, 0), (keys["before-1"].Generation, keys["before-2"].Generation, keys["before-enc"].Generation));
            Assert.All(keys.Values, k => Assert.True(KeyProtector.IsProtected(k.PrivateKey)));
            var user = await store.Users.AsNoTracking().SingleAsync();
            Assert.Equal(("user-from-before", IdentityProviderHost.HospitalOrg), (user.Id, user.Org));
            Assert.False(await store.Failures.AnyAsync());
        }

        // Baselined and migrated, the file has exactly the schema of one made by the migrations alone.
        await using (var fresh = ReplicaStores.Replica(ReplicaStores.Settings(Path.Combine(_folder, "fresh.db")), TimeProvider.System))
        {
            await ReplicaStores.MigrateAsync(fresh);
        }
        Assert.Equal(await SchemaAsync(Path.Combine(_folder, "fresh.db")), await SchemaAsync(file));
    }

    private static string Name(string migrationId) => migrationId.Split('_', 2)[1];

    private static async Task InsertClearKeyAsync(SqliteConnection connection, string id, string use, DateTimeOffset activatesAt)
    {
        using var rsa = RSA.Create(2048);
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO "IdentityKeys" ("Id", "Use", "PrivateKey", "CreatedAt", "ActivatesAt") VALUES ($id, $use, $key, $created, $activates)
            """;
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$use", use);
        insert.Parameters.AddWithValue("$key", rsa.ExportPkcs8PrivateKey());
        insert.Parameters.AddWithValue("$created", activatesAt);
        insert.Parameters.AddWithValue("$activates", activatesAt);
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Every table's columns (name, type, nullability, key) and every index with its definition.</summary>
    private static async Task<List<string>> SchemaAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p."notnull" || ' ' || p.pk
              FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            UNION ALL
            SELECT 'index ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index'
            ORDER BY 1
            """;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }

    public void Dispose() => _folder.Dispose();
}
