namespace CarTConsortium.Storage.MongoDb;

/// <summary>Where a service keeps its data in the distributed deployment (section <c>Storage:MongoDb</c>).</summary>
public sealed class MongoStorageOptions
{
    public const string Section = "Storage:MongoDb";

    /// <summary>A MongoDB URI naming a replica set, e.g. <c>mongodb://db-0,db-1,db-2/?replicaSet=rs0</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>This service's own database, e.g. <c>registry</c>.</summary>
    public string Database { get; set; } = "";
}
