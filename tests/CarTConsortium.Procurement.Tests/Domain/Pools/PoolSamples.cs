using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

/// <summary>
/// One pool of lentiviral vector lots in USD with three tiers (1-9 at 1,500.00, 10-49 at
/// 1,350.00, 50+ at 1,200.00) and the commitments the pool tests weigh. Every value is spelled
/// out here once, so a test names only what it changes.
/// </summary>
internal static class PoolSamples
{
    public const string Item = "lentiviral-vector-lot";
    public const string Supplier = "vectorbio";
    public const string Currency = "USD";

    public static readonly DateTimeOffset OpensAt = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset ClosesAt = new(2026, 4, 1, 17, 0, 0, TimeSpan.Zero);

    public static Money Usd(decimal amount) => new(amount, Currency);

    public static PriceTier Tier(int minQuantity, decimal price, string currency = Currency) => new(minQuantity, new Money(price, currency));

    /// <summary>1-9 units at 1,500.00, 10-49 at 1,350.00, 50 and more at 1,200.00.</summary>
    public static PriceTier[] ThreeTiers() => [Tier(1, 1_500m), Tier(10, 1_350m), Tier(50, 1_200m)];

    public static PoolTerms Terms(int minimumVolume = 10, int? supplyCap = null, PriceTier[]? tiers = null) =>
        PoolTerms.Check(Item, Supplier, Currency, tiers ?? ThreeTiers(), OpensAt, ClosesAt, minimumVolume, supplyCap);

    /// <summary>A commitment of <paramref name="country"/> that accepts up to <paramref name="maxPrice"/> USD a unit.</summary>
    public static Commitment Commit(string country, int quantity, decimal maxPrice = 2_000m, PoolTerms? terms = null) =>
        Commitment.Check(terms ?? Terms(), country, quantity, Usd(maxPrice), $"{country.ToLowerInvariant()}-central-hospital", $"{country}-2026-CART-01");

    public static SettlementResult.Settled Settled(SettlementResult result) => Xunit.Assert.IsType<SettlementResult.Settled>(result);

    public static SettlementResult.Failed Failed(SettlementResult result) => Xunit.Assert.IsType<SettlementResult.Failed>(result);

    /// <summary>Allocated units by country, in the settlement's order.</summary>
    public static (string Country, int Allocated)[] Allocations(SettlementResult.Settled settled) =>
        [.. settled.Countries.Select(c => (c.CountryCode, c.Allocated))];
}
