using System.Text.RegularExpressions;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Procurement.Tenders;

public enum TenderStatus
{
    Open,
    Closed,
}

/// <summary>From <paramref name="MinQuantity"/> units pooled across the consortium, every unit costs <paramref name="UnitPrice"/>.</summary>
public sealed record PriceTier(int MinQuantity, decimal UnitPrice);

/// <summary>A price tier as a caller proposes it, before the rules have looked at it.</summary>
public sealed record ProposedTier(int MinQuantity, MoneyAmount? UnitPrice);

/// <summary>A pooled tender for one item with volume price tiers, as procurement stores it.</summary>
/// <param name="PriceTiers">Ascending minimum quantity, falling unit price.</param>
/// <param name="Currency">The one ISO 4217 currency of every tier.</param>
public sealed partial record Tender(
    string TenderId,
    string Item,
    string Unit,
    IReadOnlyList<PriceTier> PriceTiers,
    string Currency,
    DateTimeOffset ClosesAt,
    TenderStatus Status,
    DateTimeOffset OpenedAt)
{
    public const int MaxItemLength = 200;
    public const int MaxUnitLength = 40;
    public const int MaxTiers = 10;

    public static readonly Collection<Tender> Collection = new("tenders", ("status", t => StatusKey(t.Status)));

    /// <summary>The value of the "status" query key; a stable word rather than the enum's number.</summary>
    public static string StatusKey(TenderStatus status) => status switch
    {
        TenderStatus.Open => "open",
        TenderStatus.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown tender status."),
    };

    /// <summary>The rules a new tender must meet; every broken one is reported at once.</summary>
    public static Tender Open(string tenderId, string item, string unit, IReadOnlyList<ProposedTier>? tiers, DateTimeOffset? closesAt, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenderId);
        tiers ??= [];
        var validator = new Validator()
            .Required(item, "item").MaxLength(item, MaxItemLength, "item")
            .Required(unit, "unit").MaxLength(unit, MaxUnitLength, "unit")
            .Check(tiers.Count is >= 1 and <= MaxTiers, "price_tiers", $"must hold 1 to {MaxTiers} tiers");
        CheckTiers(tiers, validator);
        validator
            .Check(closesAt is not null, "closes_at", "is required")
            .Check(closesAt is null || closesAt > now, "closes_at", "must be later than now")
            .ThrowIfInvalid();

        var priced = tiers.Select(t => new PriceTier(t.MinQuantity, t.UnitPrice!.Value.ToDecimal())).ToArray();
        return new Tender(tenderId, item.Trim(), unit.Trim(), priced, tiers[0].UnitPrice!.Value.CurrencyCode,
            closesAt!.Value, TenderStatus.Open, now);
    }

    // Each tier is compared with the one before it only where both are readable, so one
    // mistake is reported once, on the field that holds it.
    private static void CheckTiers(IReadOnlyList<ProposedTier> tiers, Validator validator)
    {
        string? currency = null;
        (string Currency, decimal Price)? previous = null;
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            var path = $"price_tiers[{i}]";
            if (tier.MinQuantity < 1)
            {
                validator.Check(false, $"{path}.min_quantity", "must be at least 1");
            }
            else if (i > 0)
            {
                validator.Check(tier.MinQuantity > tiers[i - 1].MinQuantity, $"{path}.min_quantity",
                    $"must be greater than the previous tier's ({tiers[i - 1].MinQuantity})");
            }

            previous = CheckUnitPrice(tier.UnitPrice, $"{path}.unit_price", ref currency, previous, validator);
        }
    }

    /// <summary>Checks one tier's price; returns it when it is valid on its own, for the next tier to compare with.</summary>
    private static (string Currency, decimal Price)? CheckUnitPrice(MoneyAmount? unitPrice, string path, ref string? currency,
        (string Currency, decimal Price)? previous, Validator validator)
    {
        if (unitPrice is not { } money)
        {
            validator.Check(false, path, "is required");
            return null;
        }

        var code = money.CurrencyCode;
        var codeIsValid = code is not null && CurrencyPattern().IsMatch(code);
        validator.Check(codeIsValid, $"{path}.currency_code", "must be an ISO 4217 code in upper case, e.g. USD");
        if (codeIsValid)
        {
            currency ??= code;
            validator.Check(code == currency, $"{path}.currency_code", $"must be {currency}, the currency of the tiers before it");
        }

        validator.Check(money.IsWellFormed, $"{path}.nanos", "must be within +-999,999,999 and not of the opposite sign to units");
        if (!money.IsWellFormed)
        {
            return null;
        }
        var price = money.ToDecimal();
        if (price <= 0)
        {
            validator.Check(false, path, "must be greater than zero");
            return null;
        }
        if (previous is { } before && codeIsValid && before.Currency == code)
        {
            validator.Check(price < before.Price, path, $"must be lower than the previous tier's ({before.Price} {code})");
        }
        return codeIsValid && code == currency ? (code!, price) : null;
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
