using MongoDB.Driver;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// A fresh database per test on the replica set <see cref="UriVariable"/> names, dropped at the end; a test
/// that asks for one where no server is configured is skipped.
/// </summary>
public sealed class MongoTestDatabases : IDisposable
{
    public const string UriVariable = "CARTC_TEST_MONGODB_URI";

    private readonly List<string> _databases = [];
    private readonly MongoClient? _client = Environment.GetEnvironmentVariable(UriVariable) is { Length: > 0 } uri ? new MongoClient(uri) : null;

    /// <summary>The client and the name of a new, empty database.</summary>
    public (MongoClient Client, string Database) Create()
    {
        Assert.SkipWhen(_client is null, $"No MongoDB server here: set {UriVariable} to a replica set's URI to run the MongoDB adapter's contract tests.");
        var name = $"cartc_test_{Guid.NewGuid():N}";
        _databases.Add(name);
        return (_client!, name);
    }

    public void Dispose()
    {
        foreach (var name in _databases)
        {
            _client?.DropDatabase(name);
        }
        _client?.Dispose();
    }
}
