using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Tenders;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement;

/// <summary>Between procurement's stored records and its protobuf contract.</summary>
internal static class ProcurementMapping
{
    // google.protobuf.Timestamp's valid range: 0001-01-01 to 9999-12-31, as DateTimeOffset's.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    public static Contract.Tender ToContract(Stored<Tender> stored) => new()
    {
        TenderId = stored.Value.TenderId,
        Item = stored.Value.Item,
        Unit = stored.Value.Unit,
        PriceTiers =
        {
            stored.Value.PriceTiers.Select(t => new Contract.PriceTier
            {
                MinQuantity = t.MinQuantity,
                UnitPrice = ToContract(MoneyAmount.FromDecimal(stored.Value.Currency, t.UnitPrice)),
            }),
        },
        ClosesAt = Timestamp.FromDateTimeOffset(stored.Value.ClosesAt),
        Status = stored.Value.Status switch
        {
            TenderStatus.Open => Contract.TenderStatus.Open,
            _ => Contract.TenderStatus.Closed,
        },
        OpenedAt = Timestamp.FromDateTimeOffset(stored.Value.OpenedAt),
        Revision = new Contracts.Common.V1.Revision { Version = stored.Version },
    };

    public static Google.Type.Money ToContract(MoneyAmount amount) =>
        new() { CurrencyCode = amount.CurrencyCode, Units = amount.Units, Nanos = amount.Nanos };

    public static ProposedTier FromContract(Contract.PriceTier tier) => new(
        tier.MinQuantity,
        tier.UnitPrice is { } money ? new MoneyAmount(money.CurrencyCode, money.Units, money.Nanos) : null);

    /// <summary>
    /// Null when absent. A timestamp outside protobuf's range (only a hand-built binary
    /// message can carry one; JSON transcoding refuses it) is refused here, on its own.
    /// </summary>
    public static DateTimeOffset? FromContract(Timestamp? timestamp)
    {
        if (timestamp is null)
        {
            return null;
        }
        if (timestamp.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds || timestamp.Nanos is < 0 or > 999_999_999)
        {
            throw new InvalidArgumentException([new FieldViolation("closes_at", "is not a valid timestamp")]);
        }
        return timestamp.ToDateTimeOffset();
    }

    /// <summary>The list filter: UNSPECIFIED asks for every status; a number this service does not know is refused.</summary>
    public static TenderStatus? StatusFilter(Contract.TenderStatus status) => status switch
    {
        Contract.TenderStatus.Unspecified => null,
        Contract.TenderStatus.Open => TenderStatus.Open,
        Contract.TenderStatus.Closed => TenderStatus.Closed,
        _ => throw new InvalidArgumentException([new FieldViolation("status", "is not a tender status")]),
    };
}
