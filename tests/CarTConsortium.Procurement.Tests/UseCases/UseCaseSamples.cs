using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// The values the use-case tests share, spelled out once: the sample item (tocilizumab vials)
/// with two suppliers, its tiers in USD (1-49 at 520.00, 50-199 at 447.50, 200 and more at
/// 389.25), the clock's start and the pool's closing time two weeks later.
/// </summary>
internal static class UseCaseSamples
{
    public const string Item = "tocilizumab-400";
    public const string SupplierId = "pharma-wholesale";
    public const string OtherSupplierId = "biosimilars";
    public const string Currency = "USD";

    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset ClosesAt = Start.AddDays(14);

    /// <summary>Twenty member countries, for the tests that need many.</summary>
    public static readonly string[] TwentyCountries =
        ["AM", "AZ", "BY", "CN", "DE", "EE", "FI", "GE", "IN", "KG", "KR", "KZ", "LT", "LV", "MN", "PL", "TJ", "TM", "TR", "UZ"];

    public static Money Usd(decimal amount) => new(amount, Currency);

    public static PriceTier Tier(int minQuantity, decimal usd) => new(minQuantity, Usd(usd));

    /// <summary>1-49 vials at 520.00, 50-199 at 447.50, 200 and more at 389.25 USD.</summary>
    public static PriceTier[] Tiers() => [Tier(1, 520m), Tier(50, 447.50m), Tier(200, 389.25m)];

    public static Supplier?[] Suppliers() =>
        [new Supplier(SupplierId, "Pharma Wholesale AG", "CH"), new Supplier(OtherSupplierId, "Biosimilars Ltd", "IN")];

    public static string BudgetOf(string country) => $"{country}-MOH-2027-CRS";

    /// <summary>An amount in USD as google.type.Money carries it, written out here rather than by the mapping under test.</summary>
    public static Google.Type.Money WireUsd(decimal amount)
    {
        var units = decimal.Truncate(amount);
        return new Google.Type.Money { CurrencyCode = Currency, Units = (long)units, Nanos = (int)((amount - units) * 1_000_000_000m) };
    }

    public static Contracts.Procurement.V1.PriceTier WireTier(int minQuantity, decimal usd) => new() { MinQuantity = minQuantity, UnitPrice = WireUsd(usd) };

    public static Google.Protobuf.WellKnownTypes.Timestamp WireTime(DateTimeOffset time) => Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(time);
}
