using System.Globalization;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Eventing.Embedded;

namespace CarTConsortium.Standalone;

/// <summary>What became of one service's database at start, when it was not simply there and sound.</summary>
public sealed record StoreNotice(string AppId, string DatabasePath, bool Started, string Message);

/// <summary>
/// Decides at start whether a service's database may be used. A missing file is a first start only if
/// the bus has never seen the service publish or consume: otherwise its data was lost, and starting it
/// empty and Healthy would hide that. Then the service stays down and says so, unless the operator
/// accepted an empty store (<see cref="StandaloneOptions.RebuildMissingStores"/>): the service then
/// starts empty and the bus replays every event it still holds that it had consumed, so its read models are rebuilt
/// (incompletely, and said so, when the bus pruned older deliveries).
/// </summary>
public static class ServiceStores
{
    public const string RebuildFlag = "--rebuild-missing-stores";

    /// <summary>Refusal for a lost database; null when the file exists or the service never had data.</summary>
    public static async Task<StoreNotice?> CheckMissingAsync(string appId, string databasePath, EmbeddedBus bus, bool rebuild, CancellationToken ct)
    {
        if (File.Exists(databasePath) || !await bus.HasServedAsync(appId, ct))
        {
            return null;
        }
        return rebuild
            ? null
            : new StoreNotice(appId, databasePath, Started: false,
                $"The {appId} database {databasePath} is missing, but the event bus records that {appId} ran with data before: "
                + $"{appId} was not started, so that it does not run empty as if nothing was lost. Restore the file from a backup and start again, "
                + $"or start with {RebuildFlag} to accept an empty store: {appId} then relearns what other services told it by a replay of "
                + "every event the bus delivered to it (what only it held, e.g. its own bookings, is not recovered that way).");
    }

    /// <summary>
    /// After a lost database was accepted empty: replays what the service consumed and says so, and says too
    /// when the bus had already pruned deliveries to it (Eventing:Retention): the rebuild is then incomplete.
    /// </summary>
    public static async Task<StoreNotice> RebuildAsync(string appId, string databasePath, EmbeddedBus bus, CancellationToken ct)
    {
        var replayed = await bus.ReplayAsync(appId, ct);
        var message = $"The {appId} database {databasePath} was missing and was created empty ({RebuildFlag}); the event bus replays the "
            + $"{replayed} events {appId} had consumed to rebuild its read models. What only {appId} held is not recovered.";
        if (await bus.PrunedBeforeAsync(appId, ct) is { } before)
        {
            message += $" The rebuild is incomplete: events delivered to {appId} before {before.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} were pruned from the bus "
                + $"(Eventing:Retention) and are not replayed, so its read models miss them. Restore {databasePath} from a backup instead "
                + "(docs/operations.md, \"Backup and restore\").";
        }
        return new StoreNotice(appId, databasePath, Started: true, message);
    }

    /// <summary>A database that exists but cannot be used (damaged, unreadable): the service stays down, the others run.</summary>
    public static StoreNotice Broken(string appId, string databasePath, StoreUnavailableException error) =>
        new(appId, databasePath, Started: false, $"{appId} was not started: {error.Message}");
}
