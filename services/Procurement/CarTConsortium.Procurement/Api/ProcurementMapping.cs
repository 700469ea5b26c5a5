using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Domain.PurchaseOrders;
using CarTConsortium.Procurement.UseCases.Pools;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Procurement.V1;
using Revision = CarTConsortium.Contracts.Common.V1.Revision;

namespace CarTConsortium.Procurement.Api;

/// <summary>
/// Between procurement's domain records and its protobuf contract, both ways. What a reader
/// sees is decided before (<see cref="PoolView"/>, <see cref="SavingsReport.SeenBy"/>); this
/// only translates. It refuses only what has no domain value at all: an amount or a timestamp
/// that the wire type itself forbids.
/// </summary>
internal static class ProcurementMapping
{
    // google.protobuf.Timestamp's valid range: 0001-01-01 to 9999-12-31, as DateTimeOffset's.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    // The domain's enums count from 0, so -1 is a value none of them defines.
    private const int NoDomainValue = -1;

    public static Contract.CatalogueItem ToContract(Stored<CatalogueItem> stored) => new()
    {
        ItemId = stored.Value.ItemId,
        Name = stored.Value.Name,
        Category = Categories.First(c => c.Domain == stored.Value.Category).Wire,
        Unit = stored.Value.Unit,
        PackSize = stored.Value.PackSize,
        PackContents = stored.Value.PackContents,
        Suppliers = { stored.Value.Suppliers.Select(s => new Contract.Supplier { SupplierId = s.SupplierId, Name = s.Name, CountryCode = s.CountryCode }) },
        RegisteredAt = Timestamp.FromDateTimeOffset(stored.Value.RegisteredAt),
        Revision = new Revision { Version = stored.Version },
    };

    public static IReadOnlyList<Supplier?> FromContract(IEnumerable<Contract.Supplier> suppliers) =>
        [.. suppliers.Select(s => new Supplier(s.SupplierId, s.Name, s.CountryCode))];

    private static readonly (ItemCategory Domain, Contract.ItemCategory Wire)[] Categories =
    [
        (ItemCategory.LentiviralVector, Contract.ItemCategory.LentiviralVector),
        (ItemCategory.TubingSet, Contract.ItemCategory.TubingSet),
        (ItemCategory.ReagentKit, Contract.ItemCategory.ReagentKit),
        (ItemCategory.Cytokine, Contract.ItemCategory.Cytokine),
        (ItemCategory.SupportiveMedicine, Contract.ItemCategory.SupportiveMedicine),
        (ItemCategory.CarTDose, Contract.ItemCategory.CarTDose),
    ];

    /// <summary>
    /// A category of the contract; null for UNSPECIFIED. A number this service does not know
    /// comes out as a value outside <see cref="ItemCategory"/>, for the use case to refuse.
    /// </summary>
    public static ItemCategory? FromContract(Contract.ItemCategory category) =>
        category == Contract.ItemCategory.Unspecified ? null
        : Categories.Where(c => c.Wire == category).Select(c => (ItemCategory?)c.Domain).FirstOrDefault() ?? (ItemCategory)NoDomainValue;

    public static Contract.Pool ToContract(SeenPool seen) => ToContract(seen.View, seen.Version);

    /// <param name="revision">The stored pool's version.</param>
    public static Contract.Pool ToContract(PoolView view, long revision)
    {
        var pool = view.Pool;
        return new Contract.Pool
        {
            PoolId = pool.PoolId,
            Title = pool.Title,
            ItemId = pool.ItemId,
            ItemName = pool.ItemName,
            Unit = pool.Unit,
            SupplierId = pool.SupplierId,
            Currency = pool.Currency,
            PriceTiers = { pool.Tiers.Select(ToContract) },
            OpensAt = Timestamp.FromDateTimeOffset(pool.OpensAt),
            ClosesAt = Timestamp.FromDateTimeOffset(pool.ClosesAt),
            MinimumVolume = pool.MinimumVolume,
            SupplyCap = pool.SupplyCap ?? 0,
            Status = Statuses.First(st => st.Domain == pool.Status).Wire,
            AcceptingCommitments = view.AcceptingCommitments,
            Totals = view.Totals is { } totals
                ? ToContract(totals, view.Countries)
                : new Contract.PoolTotals
                {
                    Countries = view.Countries,
                    CommittedRange = new Contract.VolumeRange { AtLeast = view.Range!.AtLeast, AtMost = view.Range.AtMost ?? 0 },
                    DisclosureCountries = view.DisclosureCountries,
                },
            Commitments = { view.Commitments.Select(c => ToContract(pool.PoolId, c)) },
            Outcome = view.Outcome is { } outcome ? ToContract(outcome) : null,
            OpenedAt = Timestamp.FromDateTimeOffset(pool.OpenedAt),
            ClosedAt = pool.ClosedAt is { } closedAt ? Timestamp.FromDateTimeOffset(closedAt) : null,
            ClosedBy = pool.ClosedBy ?? "",
            CloseReason = pool.CloseReason ?? "",
            Revision = new Revision { Version = revision },
        };
    }

    public static Contract.PoolTotals ToContract(LiveView live, int countries) => new()
    {
        CommittedVolume = live.CommittedVolume,
        Countries = countries,
        PricedVolume = live.Volume,
        Tier = live.Tier is { } tier ? ToContract(tier) : null,
        NextTier = live.Next is { } next ? new Contract.NextTier { Tier = ToContract(next.Tier), UnitsMore = next.UnitsMore } : null,
        UnitsToMinimum = live.UnitsToMinimum,
    };

    public static Contract.Commitment ToContract(string poolId, PoolCommitment commitment) => new()
    {
        PoolId = poolId,
        CountryCode = commitment.CountryCode,
        Quantity = commitment.Quantity,
        MaxUnitPrice = ToContract(commitment.MaxUnitPrice),
        DeliveryInstitutionId = commitment.DeliveryInstitutionId,
        BudgetReference = commitment.BudgetReference,
        CommittedBy = commitment.CommittedBy,
        UpdatedAt = Timestamp.FromDateTimeOffset(commitment.UpdatedAt),
        Revision = new Revision { Version = commitment.Revision },
    };

    public static Contract.PoolOutcome ToContract(PoolOutcome outcome) => new()
    {
        FailureReason = outcome.Failure switch
        {
            null => Contract.FailureReason.Unspecified,
            FailureReason.MinimumNotReached => Contract.FailureReason.MinimumNotReached,
            _ => Contract.FailureReason.MinimumNotReachedAfterDropOuts,
        },
        Description = outcome.Description,
        CommittedVolume = outcome.CommittedVolume,
        KeptVolume = outcome.KeptVolume,
        DeliveredVolume = outcome.DeliveredVolume,
        Tier = outcome.Tier is { } tier ? ToContract(tier) : null,
        CapBinds = outcome.CapBinds,
        Allocations =
        {
            outcome.Countries.Select(c => new Contract.Allocation { CountryCode = c.CountryCode, Committed = c.Committed, Allocated = c.Allocated }),
        },
        Dropped =
        {
            outcome.Dropped.Select(d => new Contract.DroppedCommitment
            {
                CountryCode = d.CountryCode,
                Quantity = d.Quantity,
                MaxUnitPrice = ToContract(d.MaxUnitPrice),
                PriceThen = ToContract(d.PriceThen),
                Round = d.Round,
                Reason = d.Reason,
            }),
        },
    };

    public static Contract.PoolSavings ToContract(SeenSavings seen) => ToContract(seen.PoolId, seen.Report);

    public static Contract.PoolSavings ToContract(string poolId, SavingsReport report) => new()
    {
        PoolId = poolId,
        Basis = report.Basis switch
        {
            SavingsBasis.Final => Contract.SavingsBasis.Final,
            SavingsBasis.Projected => Contract.SavingsBasis.Projected,
            _ => Contract.SavingsBasis.None,
        },
        Currency = report.Currency,
        UnitPrice = report.UnitPrice is { } price ? ToContract(price) : null,
        Pool = report.Pool is { } pool ? ToContract(pool) : null,
        Countries =
        {
            report.Countries.Select(c => new Contract.CountrySavings
            {
                CountryCode = c.CountryCode,
                Units = c.Allocated,
                AloneUnitPrice = c.AloneUnitPrice is { } alone ? ToContract(alone) : null,
                Figures = ToContract(c.Savings),
            }),
        },
        Note = report.Note,
    };

    public static Contract.SavingsFigures ToContract(Savings savings) => new()
    {
        Paid = ToContract(savings.Paid),
        Alone = ToContract(savings.Alone),
        Saving = ToContract(savings.Saving),
    };

    public static Contract.PurchaseOrder ToContract(Stored<PurchaseOrder> stored) => ToContract(stored.Value);

    public static Contract.PurchaseOrder ToContract(PurchaseOrder order) => new()
    {
        PurchaseOrderId = order.PurchaseOrderId,
        PoolId = order.PoolId,
        CountryCode = order.CountryCode,
        ItemId = order.ItemId,
        ItemName = order.ItemName,
        Unit = order.Unit,
        SupplierId = order.SupplierId,
        Quantity = order.Quantity,
        CommittedQuantity = order.CommittedQuantity,
        UnitPrice = ToContract(order.UnitPrice),
        Total = ToContract(order.Total),
        DeliveryInstitutionId = order.DeliveryInstitutionId,
        BudgetReference = order.BudgetReference,
        IssuedAt = Timestamp.FromDateTimeOffset(order.IssuedAt),
        AloneUnitPrice = ToContract(order.AloneUnitPrice),
        Savings = ToContract(order.Savings),
    };

    public static Contract.PriceTier ToContract(PriceTier tier) => new() { MinQuantity = tier.MinQuantity, UnitPrice = ToContract(tier.UnitPrice) };

    /// <summary>A tier as the caller proposed it; an absent price stays absent for the rules to report.</summary>
    public static PriceTier FromContract(Contract.PriceTier tier, int index) =>
        new(tier.MinQuantity, FromContract(tier.UnitPrice, $"price_tiers[{index}].unit_price")!);

    public static Google.Type.Money ToContract(Money money)
    {
        var amount = MoneyAmount.FromDecimal(money.Currency, money.Amount);
        return new Google.Type.Money { CurrencyCode = amount.CurrencyCode, Units = amount.Units, Nanos = amount.Nanos };
    }

    /// <summary>
    /// Null when absent. An amount google.type.Money itself forbids (nanos beyond +-999,999,999
    /// or of the opposite sign to units) is refused here, on its own: it has no value to check further.
    /// </summary>
    public static Money? FromContract(Google.Type.Money? money, string field)
    {
        if (money is null)
        {
            return null;
        }
        var amount = new MoneyAmount(money.CurrencyCode, money.Units, money.Nanos);
        if (!amount.IsWellFormed)
        {
            throw new InvalidArgumentException([new FieldViolation($"{field}.nanos", "must be within +-999,999,999 and not of the opposite sign to units")]);
        }
        return new Money(amount.ToDecimal(), money.CurrencyCode);
    }

    /// <summary>
    /// Null when absent. A timestamp outside protobuf's range (only a hand-built binary
    /// message can carry one; JSON transcoding refuses it) is refused here, on its own.
    /// </summary>
    public static DateTimeOffset? FromContract(Timestamp? timestamp, string field)
    {
        if (timestamp is null)
        {
            return null;
        }
        if (timestamp.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds || timestamp.Nanos is < 0 or > 999_999_999)
        {
            throw new InvalidArgumentException([new FieldViolation(field, "is not a valid timestamp")]);
        }
        return timestamp.ToDateTimeOffset();
    }

    private static readonly (PoolStatus Domain, Contract.PoolStatus Wire)[] Statuses =
    [
        (PoolStatus.Open, Contract.PoolStatus.Open),
        (PoolStatus.Settled, Contract.PoolStatus.Settled),
        (PoolStatus.Failed, Contract.PoolStatus.Failed),
    ];

    /// <summary>
    /// A status of the contract; null for UNSPECIFIED. A number this service does not know
    /// comes out as a value outside <see cref="PoolStatus"/>, for the use case to refuse.
    /// </summary>
    public static PoolStatus? FromContract(Contract.PoolStatus status) =>
        status == Contract.PoolStatus.Unspecified ? null
        : Statuses.Where(st => st.Wire == status).Select(st => (PoolStatus?)st.Domain).FirstOrDefault() ?? (PoolStatus)NoDomainValue;
}
