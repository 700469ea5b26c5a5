using MongoDB.Bson;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// Whether the server a store connects to can run the store at all, decided from its
/// <c>hello</c> reply: only a replica set member (primary or secondary) or a mongos runs
/// multi-document transactions, which every commit needs. Without I/O, so each shape of
/// reply is tested on its own.
/// </summary>
public static class MongoDeploymentRule
{
    /// <summary>The fix for a server that is not part of a replica set.</summary>
    public const string ReplicaSetFix =
        "start mongod with --replSet rs0 (or replication.replSetName in its configuration file), run rs.initiate() once, "
        + "and name the set in the connection string (e.g. mongodb://db-0,db-1,db-2/?replicaSet=rs0)";

    /// <summary>Null when the server can run the store; otherwise what is wrong and how to fix it.</summary>
    public static string? Problem(BsonDocument hello, string database)
    {
        if (hello.GetValue("msg", BsonNull.Value) is BsonString { Value: "isdbgrid" })
        {
            return null;
        }
        var where = $"The MongoDB server behind the {database} database";
        if (Flag(hello, "arbiterOnly"))
        {
            return $"{where} is an arbiter, which holds no data: point the connection string at the replica set's data-bearing members (and name replicaSet=).";
        }
        if (hello.GetValue("setName", BsonNull.Value) is BsonString { Value.Length: > 0 })
        {
            if (Flag(hello, "isWritablePrimary") || Flag(hello, "ismaster") || Flag(hello, "secondary"))
            {
                return null;
            }
            return $"{where} is a replica set member that is neither primary nor secondary (recovering, or in startup): "
                + "wait until rs.status() shows a primary, then start this service again.";
        }
        if (Flag(hello, "isreplicaset"))
        {
            return $"{where} was started with --replSet but the set was never initiated: run rs.initiate() once on it.";
        }
        return $"{where} is a standalone mongod, which cannot run the multi-document transactions every commit needs: {ReplicaSetFix}.";
    }

    private static bool Flag(BsonDocument hello, string name) =>
        hello.GetValue(name, BsonBoolean.False) is { IsBoolean: true } value && value.AsBoolean;
}
