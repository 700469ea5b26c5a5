using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <summary>The result of the pool use cases: the stored pool, and the pool as the caller may see it.</summary>
public sealed record SeenPool(Stored<Pool> Stored, PoolView View)
{
    public string Id => Stored.Id;

    public long Version => Stored.Version;

    public Pool Value => Stored.Value;

    /// <summary><paramref name="stored"/> as <paramref name="viewer"/> sees it at <paramref name="now"/>.</summary>
    public static SeenPool Of(Stored<Pool> stored, PoolViewer viewer, DateTimeOffset now) => new(stored, PoolView.Of(stored.Value, viewer, now));
}
