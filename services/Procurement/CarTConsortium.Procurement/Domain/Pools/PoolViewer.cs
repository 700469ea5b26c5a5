using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// Whose figures a reader of a pool sees. A procurement officer sees the pooled totals and
/// their own country's commitment, allocation, savings and order, never another country's;
/// a consortium admin, and the integration events, see every country's.
/// </summary>
public sealed record PoolViewer(string? Country, bool SeesEveryCountry)
{
    public static PoolViewer Everything { get; } = new(null, true);

    public static PoolViewer Of(Caller caller) => caller.IsConsortiumAdmin ? Everything : new PoolViewer(caller.Country, false);

    public bool Sees(string countryCode) => SeesEveryCountry || (Country is not null && Country == countryCode);
}
