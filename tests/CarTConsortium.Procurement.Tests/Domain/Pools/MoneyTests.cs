using System.Reflection;
using CarTConsortium.Procurement.Domain.Pools;
using Xunit;
using static CarTConsortium.Procurement.Tests.Domain.Pools.PoolSamples;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("1350.00", 37, "49950.00")]
    [InlineData("0.01", 1_000_000, "10000.00")]
    [InlineData("1200.10", 3, "3600.30")]
    [InlineData("0.07", 0, "0")]
    public void A_unit_price_times_a_quantity_is_exact(string price, int quantity, string total)
    {
        Assert.Equal(Usd(decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture)),
            Usd(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture)).Times(quantity));
    }

    [Fact]
    public void Tenths_and_hundredths_add_up_exactly_where_binary_fractions_would_not()
    {
        var sum = Enumerable.Repeat(Usd(0.10m), 10).Aggregate(Money.Zero(Currency), Money.Add);

        Assert.Equal(Usd(1m), sum);
        Assert.Equal(Usd(0.3m), Usd(0.1m) + Usd(0.2m));
        Assert.Equal(Usd(0.01m), Usd(1_350.01m) - Usd(1_350m));
    }

    [Fact]
    public void The_largest_pool_total_does_not_overflow()
    {
        var total = new Money(Money.MaxUnitPrice, "UZS").Times(Commitment.MaxQuantity).Times(26 * 26);

        Assert.Equal(676_000_000_000_000_000_000_000m, total.Amount);
    }

    [Fact]
    public void Amounts_of_two_currencies_never_mix()
    {
        Assert.Throws<InvalidOperationException>(() => Usd(1m) + new Money(1m, "EUR"));
        Assert.Throws<InvalidOperationException>(() => Usd(1m) - new Money(1m, "EUR"));
        Assert.Throws<InvalidOperationException>(() => Usd(1m) < new Money(1m, "EUR"));
        Assert.Throws<InvalidOperationException>(() => Usd(1m) >= new Money(1m, "EUR"));
    }

    [Fact]
    public void Equal_amounts_are_equal_whatever_their_trailing_zeros()
    {
        Assert.Equal(Usd(1.5m), Usd(1.50m));
        Assert.Equal(Usd(1.5m).GetHashCode(), Usd(1.5000m).GetHashCode());
        Assert.NotEqual(Usd(1.5m), new Money(1.5m, "EUR"));
        Assert.True(Usd(1.5m) <= Usd(1.50m));
        Assert.True(Usd(1.49m) < Usd(1.5m));
        Assert.True(Usd(1.51m) > Usd(1.5m));
    }

    [Theory]
    [InlineData("1200", "USD", "1,200.00 USD")]
    [InlineData("1200.000", "USD", "1,200.00 USD")]
    [InlineData("0.1", "USD", "0.10 USD")]
    [InlineData("1234567.89", "EUR", "1,234,567.89 EUR")]
    [InlineData("180000", "JPY", "180,000 JPY")]
    [InlineData("1350.125", "KWD", "1,350.125 KWD")]
    [InlineData("6000000000", "UZS", "6,000,000,000.00 UZS")]
    [InlineData("1.005", "USD", "1.005 USD")]
    [InlineData("-2400", "USD", "-2,400.00 USD")]
    public void Money_reads_with_its_currencys_digits_and_never_rounds(string amount, string currency, string text)
    {
        Assert.Equal(text, new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency).ToString());
    }

    [Theory]
    [InlineData("USD", 2)]
    [InlineData("EUR", 2)]
    [InlineData("KZT", 2)]
    [InlineData("UZS", 2)]
    [InlineData("KGS", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("KWD", 3)]
    [InlineData("CLF", 4)]
    public void Known_currencies_have_their_minor_digits(string code, int digits)
    {
        Assert.True(Currencies.IsKnown(code));
        Assert.Equal(digits, Currencies.MinorDigits(code));
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("XAU")]
    [InlineData("XXX")]
    [InlineData("HRK")]
    public void Unknown_withdrawn_and_non_money_codes_are_not_currencies(string? code)
    {
        Assert.False(Currencies.IsKnown(code));
        Assert.Throws<ArgumentException>(() => Currencies.MinorDigits(code!));
    }

    [Fact]
    public void The_table_holds_only_three_upper_case_letters()
    {
        Assert.All(Currencies.Codes, code => Assert.Matches("^[A-Z]{3}$", code));
        Assert.InRange(Currencies.Codes.Count, 150, 190);
    }

    [Fact]
    public void Nothing_in_pools_is_typed_as_a_binary_floating_point_number()
    {
        Type[] binary = [typeof(double), typeof(float), typeof(Half)];
        const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var pools = typeof(Money).Assembly.GetTypes().Where(t => t.Namespace == typeof(Money).Namespace).ToArray();

        var typed = pools.SelectMany(t =>
            t.GetFields(Everything).Select(f => f.FieldType)
                .Concat(t.GetProperties(Everything).Select(p => p.PropertyType))
                .Concat(t.GetMethods(Everything).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType))));

        Assert.NotEmpty(pools);
        Assert.DoesNotContain(typed, binary.Contains);
    }
}
