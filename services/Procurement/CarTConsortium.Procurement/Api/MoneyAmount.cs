namespace CarTConsortium.Procurement.Api;

/// <summary>
/// An amount the way google.type.Money carries it: whole units plus billionths of a unit.
/// The rules work on this rather than on the generated type, so they need no protobuf.
/// </summary>
public readonly record struct MoneyAmount(string CurrencyCode, long Units, int Nanos)
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    /// <summary>google.type.Money's own rule: nanos within +-999,999,999 and never of the opposite sign to units.</summary>
    public bool IsWellFormed =>
        Nanos is >= -999_999_999 and <= 999_999_999
        && !(Units > 0 && Nanos < 0)
        && !(Units < 0 && Nanos > 0);

    /// <summary>
    /// The exact value. Every well-formed amount fits: at most 19 + 9 digits, within a
    /// decimal's 96-bit mantissa, so nothing is rounded.
    /// </summary>
    public decimal ToDecimal() => IsWellFormed
        ? Units + Nanos / NanosPerUnit
        : throw new InvalidOperationException("Only a well-formed amount has a value.");

    /// <summary>The same value as units and nanos; a value that needs a tenth decimal place or overflows units is refused, never rounded.</summary>
    public static MoneyAmount FromDecimal(string currencyCode, decimal value)
    {
        var whole = decimal.Truncate(value);
        if (whole < long.MinValue || whole > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "The amount does not fit google.type.Money's units.");
        }
        var nanos = (value - whole) * NanosPerUnit;
        if (nanos != decimal.Truncate(nanos))
        {
            throw new ArgumentException("The amount has more than nine decimal places.", nameof(value));
        }
        return new MoneyAmount(currencyCode, (long)whole, (int)nanos);
    }
}
