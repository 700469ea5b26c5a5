namespace CarTConsortium.Standalone;

/// <summary>An app's loopback ports; identity providers serve HTTP/1.1 only (GrpcPort 0).</summary>
public sealed record AppPorts(int HttpPort, int GrpcPort = 0);

/// <summary>What the standalone platform needs to start; read from the "Standalone" settings and the command line.</summary>
public sealed record StandaloneOptions
{
    /// <summary>Where each service's SQLite file and the embedded bus live; it survives restarts.</summary>
    public required string DataFolder { get; init; }

    /// <summary>Loopback ports per app id (gateway, the services, the identity providers).</summary>
    public required IReadOnlyDictionary<string, AppPorts> Ports { get; init; }

    public bool DemoData { get; init; } = true;

    /// <summary>
    /// Start a service whose database is missing though the bus shows it had data, empty, and rebuild its read
    /// models by replaying the events it had consumed; without it such a service is not started.
    /// </summary>
    public bool RebuildMissingStores { get; init; }

    /// <summary>Settings given to every app, over its own (e.g. faster retries in tests).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Settings for one app by app id, over everything else (e.g. extra clients of one identity provider).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> AppSettings { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string?>>();

    /// <summary>The clock of every app; tests pass a fake one to move time (token lifetimes, key rotation).</summary>
    public TimeProvider? Clock { get; init; }
}
