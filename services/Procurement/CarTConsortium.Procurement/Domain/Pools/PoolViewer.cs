using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// Whose figures a reader of a pool sees. A procurement officer sees their own country's
/// commitment, allocation, savings and order, never another country's, and the pooled totals
/// exactly only once <paramref name="DisclosureCountries"/> countries have committed
/// (<see cref="PoolDisclosure"/>); a consortium admin, and the integration events, see every country's.
/// </summary>
/// <param name="DisclosureCountries">How many countries must have committed before this reader sees exact pooled figures.</param>
public sealed record PoolViewer(string? Country, bool SeesEveryCountry, int DisclosureCountries = 1)
{
    public static PoolViewer Everything { get; } = new(null, true);

    public static PoolViewer Of(Caller caller, int disclosureCountries = PoolDisclosure.DefaultMinCountries) =>
        caller.IsConsortiumAdmin ? Everything : new PoolViewer(caller.Country, false, disclosureCountries);

    public bool Sees(string countryCode) => SeesEveryCountry || (Country is not null && Country == countryCode);

    /// <summary>Whether this reader sees the exact pooled figures of a pool <paramref name="countries"/> countries have committed to.</summary>
    public bool SeesExactTotals(int countries) => SeesEveryCountry || countries >= DisclosureCountries;
}
