using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Storage.Sqlite;

/// <summary>How the SQLite store judges its own health (section <c>Storage:Sqlite</c>), checked at start by <see cref="SqliteStorageOptionsValidator"/>.</summary>
public sealed class SqliteStorageOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Storage:Sqlite";

    /// <summary>
    /// Free space, in MiB, that the disk holding the database must keep: below it /healthz says
    /// Unhealthy before commits start failing for want of room.
    /// </summary>
    public long MinFreeDiskMegabytes { get; set; } = 256;

    /// <summary>The settings' mistakes, each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinFreeDiskMegabytes is < 0 or > 10_000_000)
        {
            yield return Setting.Problem(Section, nameof(MinFreeDiskMegabytes), MinFreeDiskMegabytes, "must be 0-10000000 (MiB)");
        }
    }
}

/// <summary>Checks <see cref="SqliteStorageOptions"/> at start, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class SqliteStorageOptionsValidator : IValidateOptions<SqliteStorageOptions>;
