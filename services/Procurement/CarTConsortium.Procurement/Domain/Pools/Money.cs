using System.Globalization;
using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// An exact amount of one currency. Arithmetic is decimal only and never rounds: the rules
/// admit a unit price only with at most its currency's minor digits
/// (<see cref="Currencies.MinorDigits"/>), and every other amount of a pool is a whole
/// quantity times such a price, or a sum or difference of those, so it has no more digits
/// either. Nothing anywhere rounds money.
/// </summary>
/// <remarks>
/// On the wire a <see cref="Money"/> is a google.type.Money; <c>Api.MoneyAmount</c> is that
/// shape (units and nanos) with its exact conversion to and from decimal.
/// </remarks>
public sealed record Money(decimal Amount, string Currency)
{
    /// <summary>The highest unit price a pool admits, in any currency: ample for a CAR-T dose in UZS, and low enough that no total can overflow a decimal.</summary>
    public const decimal MaxUnitPrice = 1_000_000_000_000_000m;

    public static Money Zero(string currency) => new(0m, currency);

    /// <summary>This unit price times a whole quantity, exact.</summary>
    public Money Times(int quantity) => this with { Amount = Amount * quantity };

    public static Money operator +(Money left, Money right) => new(left.Amount + SameCurrency(left, right).Amount, left.Currency);

    public static Money operator -(Money left, Money right) => new(left.Amount - SameCurrency(left, right).Amount, left.Currency);

    public static bool operator <(Money left, Money right) => left.Amount < SameCurrency(left, right).Amount;

    public static bool operator >(Money left, Money right) => left.Amount > SameCurrency(left, right).Amount;

    public static bool operator <=(Money left, Money right) => left.Amount <= SameCurrency(left, right).Amount;

    public static bool operator >=(Money left, Money right) => left.Amount >= SameCurrency(left, right).Amount;

    public static Money Add(Money left, Money right) => left + right;

    public static Money Subtract(Money left, Money right) => left - right;

    /// <summary>Whether the amount needs no more decimal places than its currency has.</summary>
    public bool HasAtMostMinorDigits => decimal.Round(Amount, Currencies.MinorDigits(Currency)) == Amount;

    /// <summary>
    /// "1,200.00 USD": group separators, the currency's minor digits, and more digits only
    /// where the amount has them, so that the text never rounds either.
    /// </summary>
    public override string ToString()
    {
        var digits = Currencies.IsKnown(Currency) ? Currencies.MinorDigits(Currency) : 2;
        var places = Math.Max(digits, (Amount / 1.000000000000000000000000000m).Scale);
        return Amount.ToString("N" + places.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + Currency;
    }

    /// <summary>
    /// A unit price as a caller proposes it, checked for use in a pool priced in
    /// <paramref name="currency"/>: present, in that currency, above zero, at most
    /// <see cref="MaxUnitPrice"/> and with no more decimal places than the currency has.
    /// The pool's currency itself is checked once, where the pool names it; while it is not a
    /// known code, its prices are not checked at all.
    /// </summary>
    /// <returns>The price when it passes, or null with the violations added.</returns>
    internal static Money? CheckUnitPrice(Money? price, string currency, string field, Validator validator)
    {
        if (price is null)
        {
            validator.Check(false, field, "is required");
            return null;
        }
        if (!Currencies.IsKnown(currency))
        {
            // The pool's own currency is wrong, and reported where the pool names it: a price
            // cannot be judged against it.
            return null;
        }
        if (price.Currency != currency)
        {
            validator.Check(false, $"{field}.currency_code", $"must be {currency}, the pool's currency");
            return null;
        }
        var inRange = price.Amount is > 0m and <= MaxUnitPrice;
        validator.Check(price.Amount > 0m, field, "must be greater than zero")
            .Check(price.Amount <= MaxUnitPrice, field, $"must be at most {new Money(MaxUnitPrice, currency)}");
        var digits = Currencies.MinorDigits(currency);
        validator.Check(price.HasAtMostMinorDigits, field, $"must have at most {digits} decimal places, as {currency} has");
        return inRange && price.HasAtMostMinorDigits ? price : null;
    }

    private static Money SameCurrency(Money left, Money right) => left.Currency == right.Currency
        ? right
        : throw new InvalidOperationException($"Cannot combine {left.Currency} with {right.Currency}.");
}
