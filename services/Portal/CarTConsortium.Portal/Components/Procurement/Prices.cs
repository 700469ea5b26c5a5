using System.Globalization;
using Google.Type;

namespace CarTConsortium.Portal.Components.Procurement;

/// <summary>Amounts of a pool as the API carries them (google.type.Money) and as people read and type them.</summary>
public static class Prices
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    public static decimal ToDecimal(Money? money) => money is null ? 0m : money.Units + money.Nanos / NanosPerUnit;

    public static Money ToMoney(decimal amount, string currency)
    {
        var units = decimal.Truncate(amount);
        return new Money { CurrencyCode = currency, Units = (long)units, Nanos = (int)((amount - units) * NanosPerUnit) };
    }

    /// <summary>"USD 128,750.00" in the reader's number format; empty when the API left the amount out.</summary>
    public static string Format(Money? money) =>
        money is null ? "" : $"{money.CurrencyCode} {ToDecimal(money).ToString("N2", CultureInfo.CurrentCulture)}";

    public static string Count(int units) => units.ToString("N0", CultureInfo.CurrentCulture);
}
