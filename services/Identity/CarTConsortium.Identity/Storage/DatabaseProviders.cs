using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Identity.Storage;

/// <summary>
/// The databases a provider can keep its state in (<see cref="IdentitySettings.DatabaseProvider"/>):
/// SQLite for the standalone platform (one process per database file), PostgreSQL for the cluster,
/// where several replicas share one database.
/// </summary>
public static class DatabaseProviders
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";

    public static readonly IReadOnlyList<string> All = [Sqlite, PostgreSql];

    /// <summary>The known name <paramref name="value"/> stands for (case-insensitive), or null.</summary>
    public static string? Find(string? value) => All.FirstOrDefault(p => string.Equals(p, value?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Registers <see cref="IdentityStore"/> as the context of the chosen provider.</summary>
    public static void AddIdentityStore(this IServiceCollection services, IdentitySettings settings)
    {
        if (Find(settings.DatabaseProvider) == PostgreSql)
        {
            services.AddDbContext<IdentityStore, PostgreSqlIdentityStore>(options => ConfigurePostgreSql(options, settings.Database));
        }
        else
        {
            services.AddDbContext<IdentityStore, SqliteIdentityStore>(options => ConfigureSqlite(options, settings.Database));
        }
    }

    public static void ConfigureSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString).UseOpenIddict();

    public static void ConfigurePostgreSql(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString).UseOpenIddict();
}

/// <summary>The provider's database on SQLite; its migrations are in Storage/Migrations/Sqlite.</summary>
public sealed class SqliteIdentityStore(DbContextOptions<SqliteIdentityStore> options) : IdentityStore(options);

/// <summary>The provider's database on PostgreSQL; its migrations are in Storage/Migrations/PostgreSql.</summary>
public sealed class PostgreSqlIdentityStore(DbContextOptions<PostgreSqlIdentityStore> options) : IdentityStore(options);
