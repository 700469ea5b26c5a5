using CarTConsortium.Contracts.Procurement.V1;
using Google.Protobuf.WellKnownTypes;

namespace CarTConsortium.Portal.Components.Procurement;

/// <summary>A pool an admin opens, as typed; the API checks the terms (no rule is repeated here).</summary>
public sealed class OpenPoolInput
{
    public string Title { get; set; } = "";
    public string ItemId { get; set; } = "";
    public string SupplierId { get; set; } = "";
    public string Currency { get; set; } = "USD";

    /// <summary>The tier rows shown; rows left empty are not sent.</summary>
    public List<TierInput> Tiers { get; } = [new(), new(), new()];

    /// <summary>UTC, as the label says; empty opens now.</summary>
    public DateTime? OpensAt { get; set; }
    public DateTime? ClosesAt { get; set; }
    public int? MinimumVolume { get; set; }
    public int? SupplyCap { get; set; }

    public OpenPoolRequest ToRequest()
    {
        var request = new OpenPoolRequest
        {
            Title = Title.Trim(),
            ItemId = ItemId,
            SupplierId = SupplierId,
            Currency = Currency.Trim().ToUpperInvariant(),
            MinimumVolume = MinimumVolume ?? 0,
            SupplyCap = SupplyCap ?? 0,
        };
        request.PriceTiers.AddRange(Tiers.Where(t => t.MinQuantity is not null || t.UnitPrice is not null).Select(t => new PriceTier
        {
            MinQuantity = t.MinQuantity ?? 0,
            UnitPrice = Prices.ToMoney(t.UnitPrice ?? 0m, request.Currency),
        }));
        if (OpensAt is { } opens)
        {
            request.OpensAt = Timestamp.FromDateTime(DateTime.SpecifyKind(opens, DateTimeKind.Utc));
        }
        if (ClosesAt is { } closes)
        {
            request.ClosesAt = Timestamp.FromDateTime(DateTime.SpecifyKind(closes, DateTimeKind.Utc));
        }
        return request;
    }
}

/// <summary>One price tier row: from how many pooled units, at what unit price.</summary>
public sealed class TierInput
{
    public int? MinQuantity { get; set; }
    public decimal? UnitPrice { get; set; }
}
