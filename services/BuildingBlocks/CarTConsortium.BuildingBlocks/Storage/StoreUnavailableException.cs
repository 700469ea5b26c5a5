namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// A service's store cannot be used at all (missing where data is expected, damaged, unreadable).
/// Its message names the service and the file or database, and says how to proceed.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
