namespace CarTConsortium.Standalone;

public sealed record AppPorts(int HttpPort, int GrpcPort);

/// <summary>What the standalone platform needs to start; read from the "Standalone" settings and the command line.</summary>
public sealed record StandaloneOptions
{
    /// <summary>Where each service's SQLite file and the embedded bus live; it survives restarts.</summary>
    public required string DataFolder { get; init; }

    /// <summary>Loopback ports per app id (gateway, registry, procurement, approvals, slots).</summary>
    public required IReadOnlyDictionary<string, AppPorts> Ports { get; init; }

    public bool DemoData { get; init; } = true;

    /// <summary>Settings given to every app, over its own (e.g. faster retries in tests).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
}
