using System.Globalization;

namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// A dated data cut of the consortium statistics, computed once from the registry as it stood at
/// <paramref name="CutAt"/> and never changed: the admitted snapshots (<see cref="ReleaseRule"/>) and the
/// finest cells that had patients at the cut (listed suppressed when not admitted). Its published cube is
/// <see cref="Cube"/>, the same on every read. Stable id, for the statistics and a bulk export to name it.
/// </summary>
public sealed record StatisticsRelease(string ReleaseId, DateTimeOffset CutAt, IReadOnlyList<CellSnapshot> Admitted, IReadOnlyList<CellKey> Occupied)
{
    /// <summary>The id of the release cut at <paramref name="cutAt"/>: its UTC time to the second, sortable.</summary>
    public static string IdOf(DateTimeOffset cutAt) => cutAt.UtcDateTime.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The release's published cube: suppression applied, the same figures on every read.</summary>
    public StatisticsCube Cube() => ReleaseRule.Publish(Admitted, Occupied);

    /// <summary>The pseudonyms whose data the release publishes (the cut's covered patients).</summary>
    public IReadOnlySet<string> Covered() => Admitted.SelectMany(snapshot => snapshot.Cases.Keys).ToHashSet(StringComparer.Ordinal);
}

/// <summary>A release as listed: its id and cut time.</summary>
public sealed record StatisticsReleaseEntry(string ReleaseId, DateTimeOffset CutAt);

/// <summary>
/// One document, <see cref="Id"/>: the latest release, so a cut reads one release and not all of them,
/// and every release's id and cut time, newest first, so listing them reads no snapshot.
/// </summary>
public sealed record StatisticsReleaseHead(string ReleaseId, IReadOnlyList<StatisticsReleaseEntry> Releases)
{
    public const string Id = "latest";
}
