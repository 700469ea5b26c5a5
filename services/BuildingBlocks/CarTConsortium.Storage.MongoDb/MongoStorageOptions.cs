using System.ComponentModel.DataAnnotations;
using CarTConsortium.BuildingBlocks.Settings;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// Where a service keeps its data in the distributed deployment (section <c>Storage:MongoDb</c>),
/// checked at start by <see cref="MongoStorageOptionsValidator"/>.
/// </summary>
public sealed class MongoStorageOptions : ISettingsSection, IValidatableObject
{
    public static string Section => "Storage:MongoDb";

    /// <summary>A MongoDB URI naming a replica set, e.g. <c>mongodb://db-0,db-1,db-2/?replicaSet=rs0</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>This service's own database, e.g. <c>registry</c>.</summary>
    public string Database { get; set; } = "";

    /// <summary>The settings' mistakes, each naming the setting and the value read.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return Setting.Problem(Section, nameof(ConnectionString), ConnectionString,
                "is not set: give the URI of the MongoDB replica set, e.g. mongodb://db-0,db-1,db-2/?replicaSet=rs0");
        }
        if (string.IsNullOrWhiteSpace(Database))
        {
            yield return Setting.Problem(Section, nameof(Database), Database, "is not set: name this service's own database, e.g. registry");
        }
    }
}

/// <summary>Checks <see cref="MongoStorageOptions"/> at start, generated from its rules.</summary>
[OptionsValidator]
public sealed partial class MongoStorageOptionsValidator : IValidateOptions<MongoStorageOptions>;
