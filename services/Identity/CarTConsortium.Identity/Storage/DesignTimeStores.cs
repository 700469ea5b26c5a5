using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CarTConsortium.Identity.Storage;

// For `dotnet ef migrations add` only (see Storage/Migrations/README.md): the tool builds the model
// from these; it never opens the connection strings.

/// <summary>Design-time SQLite context.</summary>
internal sealed class SqliteDesignTimeStore : IDesignTimeDbContextFactory<SqliteIdentityStore>
{
    public SqliteIdentityStore CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteIdentityStore>();
        DatabaseProviders.ConfigureSqlite(options, "Data Source=design-time.db");
        return new SqliteIdentityStore(options.Options);
    }
}

/// <summary>Design-time PostgreSQL context.</summary>
internal sealed class PostgreSqlDesignTimeStore : IDesignTimeDbContextFactory<PostgreSqlIdentityStore>
{
    public PostgreSqlIdentityStore CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgreSqlIdentityStore>();
        DatabaseProviders.ConfigurePostgreSql(options, "Host=localhost;Database=identity");
        return new PostgreSqlIdentityStore(options.Options);
    }
}
