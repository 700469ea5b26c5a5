using System.Security.Cryptography;

namespace CarTConsortium.BuildingBlocks.Leases;

/// <summary>
/// Who this app instance is when it takes a lease: host name and process id (what an operator
/// recognises in a log), and a random part, because two apps of one process (the standalone host, a
/// test's two hosts) or a restarted container reusing a process id must never count as the same holder.
/// </summary>
public sealed class LeaseHolder
{
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{RandomNumberGenerator.GetHexString(8, lowercase: true)}";
}
