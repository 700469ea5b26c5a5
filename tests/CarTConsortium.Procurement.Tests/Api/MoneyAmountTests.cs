using System.Globalization;
using CarTConsortium.Procurement.Api;
using Xunit;

namespace CarTConsortium.Procurement.Tests.Api;

/// <summary>google.type.Money's wire shape (units and nanos) and its exact conversion to and from decimal.</summary>
public sealed class MoneyAmountTests
{
    [Theory]
    [InlineData(0L, 0, "0")]
    [InlineData(1L, 500_000_000, "1.5")]
    [InlineData(-1L, -500_000_000, "-1.5")]
    [InlineData(0L, -500_000_000, "-0.5")]
    [InlineData(0L, 1, "0.000000001")]
    [InlineData(0L, -1, "-0.000000001")]
    [InlineData(0L, 999_999_999, "0.999999999")]
    [InlineData(123L, 450_000_000, "123.45")]
    [InlineData(-7L, 0, "-7")]
    [InlineData(long.MaxValue, 999_999_999, "9223372036854775807.999999999")]
    [InlineData(long.MinValue, -999_999_999, "-9223372036854775808.999999999")]
    public void Money_and_decimal_convert_exactly_both_ways(long units, int nanos, string value)
    {
        var expected = decimal.Parse(value, CultureInfo.InvariantCulture);
        var money = new MoneyAmount("USD", units, nanos);

        Assert.Equal(expected, money.ToDecimal());
        Assert.Equal(money, MoneyAmount.FromDecimal("USD", expected));
        Assert.Equal(expected, MoneyAmount.FromDecimal("USD", money.ToDecimal()).ToDecimal());
    }

    [Fact]
    public void A_decimal_with_trailing_zeros_converts_like_its_value()
    {
        Assert.Equal(new MoneyAmount("EUR", 12, 300_000_000), MoneyAmount.FromDecimal("EUR", 12.3000000000m));
    }

    [Fact]
    public void A_decimal_money_cannot_hold_is_refused_not_rounded()
    {
        Assert.Throws<ArgumentException>(() => MoneyAmount.FromDecimal("USD", 0.0000000001m));
        Assert.Throws<ArgumentException>(() => MoneyAmount.FromDecimal("USD", -1.0000000005m));
        Assert.Throws<ArgumentOutOfRangeException>(() => MoneyAmount.FromDecimal("USD", (decimal)long.MaxValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MoneyAmount.FromDecimal("USD", (decimal)long.MinValue - 1));
    }

    [Theory]
    [InlineData(5L, 1_000_000_000)]
    [InlineData(0L, -1_000_000_000)]
    [InlineData(5L, -1)]
    [InlineData(-5L, 1)]
    [InlineData(0L, int.MaxValue)]
    public void Malformed_money_has_no_value(long units, int nanos)
    {
        var money = new MoneyAmount("USD", units, nanos);

        Assert.False(money.IsWellFormed);
        Assert.Throws<InvalidOperationException>(() => money.ToDecimal());
    }
}
