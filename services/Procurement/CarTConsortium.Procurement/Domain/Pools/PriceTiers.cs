using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>From <paramref name="MinQuantity"/> units pooled, every unit of the pool costs <paramref name="UnitPrice"/>.</summary>
public sealed record PriceTier(int MinQuantity, Money UnitPrice);

/// <summary>
/// A supplier's unit prices by the total volume of a pool, checked: the first tier starts at
/// one unit, minimums rise strictly, and every price is above zero and not higher than the
/// tier before it (volume never costs more per unit; two tiers at the same price are allowed,
/// a supplier may quote one). The price of a volume is the price of the last tier whose
/// minimum the volume reaches, for every unit (not a marginal, bracket-by-bracket price).
/// </summary>
public sealed class PriceTiers
{
    public const int MaxTiers = 20;

    private PriceTiers(string currency, IReadOnlyList<PriceTier> tiers)
    {
        Currency = currency;
        Tiers = tiers;
    }

    public string Currency { get; }

    /// <summary>Ascending minimum quantity, the first at 1; prices never rising.</summary>
    public IReadOnlyList<PriceTier> Tiers { get; }

    /// <summary>The tiers when every rule holds; otherwise every broken rule at once.</summary>
    /// <exception cref="InvalidArgumentException">Violations named <c>currency</c>, <c>price_tiers[i].min_quantity</c>, <c>price_tiers[i].unit_price</c>, ...</exception>
    public static PriceTiers Check(string currency, IReadOnlyList<PriceTier>? tiers)
    {
        var validator = new Validator().Check(Currencies.IsKnown(currency), "currency", Currencies.UnknownCodeDescription);
        AddViolations(currency, tiers, validator);
        validator.ThrowIfInvalid();
        return Accepted(currency, tiers!);
    }

    /// <summary>The tier a pooled volume reaches.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="totalQuantity"/> is below 1: no tier prices nothing.</exception>
    public PriceTier TierAt(int totalQuantity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalQuantity, 1);
        return Tiers.Last(t => t.MinQuantity <= totalQuantity);
    }

    /// <summary>The unit price every unit costs when <paramref name="totalQuantity"/> units are pooled.</summary>
    public Money PriceAt(int totalQuantity) => TierAt(totalQuantity).UnitPrice;

    /// <summary>The first tier above <paramref name="totalQuantity"/>, or null where the best tier is reached.</summary>
    public PriceTier? NextAbove(int totalQuantity) => Tiers.FirstOrDefault(t => t.MinQuantity > totalQuantity);

    /// <summary>Tiers the caller has checked with <see cref="AddViolations"/> and found valid.</summary>
    internal static PriceTiers Accepted(string currency, IReadOnlyList<PriceTier> tiers) => new(currency, [.. tiers]);

    /// <summary>Adds a violation for every broken rule of the tiers of a pool priced in <paramref name="currency"/>.</summary>
    internal static void AddViolations(string currency, IReadOnlyList<PriceTier>? tiers, Validator validator)
    {
        tiers ??= [];
        validator.Check(tiers.Count is >= 1 and <= MaxTiers, "price_tiers", $"must hold 1 to {MaxTiers} tiers");
        Money? previous = null;
        for (var i = 0; i < tiers.Count; i++)
        {
            var path = $"price_tiers[{i}]";
            if (tiers[i] is not { } tier)
            {
                validator.Check(false, path, "is required");
                previous = null;
                continue;
            }
            if (i == 0)
            {
                validator.Check(tier.MinQuantity == 1, $"{path}.min_quantity", "must be 1: the first tier starts at one unit");
            }
            else if (tiers[i - 1] is { } before)
            {
                validator.Check(tier.MinQuantity > before.MinQuantity, $"{path}.min_quantity",
                    $"must be greater than the previous tier's ({before.MinQuantity})");
            }

            var price = Money.CheckUnitPrice(tier.UnitPrice, currency, $"{path}.unit_price", validator);
            // Compared with the tier before only where both prices are valid on their own, so
            // that one mistake is reported once, on the field that holds it.
            if (price is not null && previous is not null)
            {
                validator.Check(price <= previous, $"{path}.unit_price", $"must not be higher than the previous tier's ({previous})");
            }
            previous = price;
        }
    }
}
