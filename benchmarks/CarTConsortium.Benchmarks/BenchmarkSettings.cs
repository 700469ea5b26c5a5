namespace CarTConsortium.Benchmarks;

/// <summary>What the command line asked for.</summary>
/// <param name="ClientLevels">Concurrent clients, one measured pass each.</param>
/// <param name="Requests">Calls per scenario at each client level.</param>
/// <param name="DataFolder">The platform's data folder, kept; null for a temporary one.</param>
/// <param name="Burst">Concurrent requests of each burst (gRPC and REST); 0 for none.</param>
public sealed record BenchmarkSettings(IReadOnlyList<int> ClientLevels, int Requests, string? DataFolder, int Burst);
