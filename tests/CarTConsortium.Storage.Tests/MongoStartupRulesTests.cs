using System.Net;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Storage.MongoDb;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Connections;
using MongoDB.Driver.Core.Servers;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>Issue 16, point 6: which servers a MongoDB store refuses at start, and which transaction failures reach callers as ABORTED.</summary>
public sealed class MongoStartupRulesTests
{
    [Fact]
    public void A_standalone_mongod_is_refused_naming_the_replica_set_fix()
    {
        var problem = MongoDeploymentRule.Problem(new BsonDocument { { "isWritablePrimary", true }, { "maxWireVersion", 21 } }, "slots");

        Assert.NotNull(problem);
        Assert.Contains("slots database is a standalone mongod", problem, StringComparison.Ordinal);
        Assert.Contains("--replSet rs0", problem, StringComparison.Ordinal);
        Assert.Contains("rs.initiate()", problem, StringComparison.Ordinal);
        Assert.Contains("replicaSet=rs0", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("isWritablePrimary")]
    [InlineData("ismaster")]
    [InlineData("secondary")]
    public void A_primary_or_secondary_of_a_replica_set_is_accepted(string role)
    {
        Assert.Null(MongoDeploymentRule.Problem(new BsonDocument { { "setName", "rs0" }, { role, true } }, "slots"));
    }

    [Fact]
    public void A_mongos_is_accepted()
    {
        Assert.Null(MongoDeploymentRule.Problem(new BsonDocument { { "msg", "isdbgrid" }, { "isWritablePrimary", true } }, "slots"));
    }

    [Fact]
    public void An_arbiter_is_refused()
    {
        var problem = MongoDeploymentRule.Problem(new BsonDocument { { "setName", "rs0" }, { "arbiterOnly", true }, { "secondary", false } }, "slots");

        Assert.Contains("is an arbiter", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_member_started_with_replSet_but_never_initiated_is_refused_naming_rs_initiate()
    {
        var problem = MongoDeploymentRule.Problem(new BsonDocument { { "isWritablePrimary", false }, { "isreplicaset", true } }, "slots");

        Assert.Contains("never initiated: run rs.initiate()", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recovering_member_is_refused_until_the_set_has_a_primary()
    {
        var problem = MongoDeploymentRule.Problem(new BsonDocument { { "setName", "rs0" }, { "isWritablePrimary", false }, { "secondary", false } }, "slots");

        Assert.Contains("neither primary nor secondary", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MongoConflicts.TransientTransactionError)]
    [InlineData(MongoConflicts.UnknownTransactionCommitResult)]
    public void A_transaction_that_kept_a_retryable_label_is_a_conflict(string label)
    {
        var error = new MongoException("gave up");
        error.AddErrorLabel(label);

        Assert.True(MongoConflicts.IsConflict(error));
        var conflict = MongoConflicts.ToConflict(error, "slots");
        Assert.IsAssignableFrom<ConcurrencyConflictException>(conflict);
        Assert.Same(error, conflict.InnerException);
        Assert.Contains("slots database", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_write_conflict_command_error_is_a_conflict_and_other_codes_are_not()
    {
        Assert.True(MongoConflicts.IsConflict(CommandError(112, "WriteConflict")));
        Assert.False(MongoConflicts.IsConflict(CommandError(11000, "DuplicateKey")));
        Assert.False(MongoConflicts.IsConflict(CommandError(13, "Unauthorized")));
        Assert.False(MongoConflicts.IsConflict(new MongoException("no labels")));
    }

    private static MongoCommandException CommandError(int code, string name) =>
        new(new ConnectionId(new ServerId(new ClusterId(), new DnsEndPoint("db-0", 27017))), name,
            new BsonDocument("commitTransaction", 1), new BsonDocument { { "ok", 0 }, { "code", code }, { "codeName", name } });
}
