using System.Text.Json.Serialization;

namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// One stored part of an innermost cell's tally: the cases of that cell whose pseudonym falls in
/// <see cref="Shard"/>. A cell is kept in <see cref="Count"/> parts so that clinicians recording at
/// the same time, for different patients of one country, product and year, mostly write different
/// documents instead of all racing on one; a patient's case stays in one shard for good.
/// </summary>
public sealed record TallyShard(string Country, string ProductId, int Year, int Shard, CellTally Tally)
{
    public const int Count = 16;

    [JsonIgnore]
    public CellKey Cell => new(Country, ProductId, Year);

    /// <summary>The document id: cell and shard.</summary>
    public static string IdOf(CellKey cell, int shard)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return FormattableString.Invariant($"{cell.Country}.{cell.ProductId}.{cell.Year}.{shard}");
    }

    public static TallyShard Of(CellKey cell, int shard, CellTally tally)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return new TallyShard(cell.Country!, cell.ProductId!, cell.Year!.Value, shard, tally);
    }

    /// <summary>The shard of a pseudonym: FNV-1a over its characters, stable across processes and versions (unlike string.GetHashCode).</summary>
    public static int ShardOf(string pseudonym)
    {
        ArgumentNullException.ThrowIfNull(pseudonym);
        var hash = 2166136261u;
        foreach (var c in pseudonym)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }
        return (int)(hash % Count);
    }
}

/// <summary>
/// Whether the tallies have been built from the records (<see cref="Built"/>): until then writes
/// leave them alone and only touch this document, so that a build racing with them has to start over,
/// and statistics are not answered. A write that found the tallies not holding its record's old case
/// sets <see cref="Drifted"/> and clears <see cref="Built"/>, so they are built again.
/// </summary>
public sealed record TallyState(bool Built, bool Drifted = false)
{
    /// <summary>The one document's id.</summary>
    public const string Id = "tallies";
}
