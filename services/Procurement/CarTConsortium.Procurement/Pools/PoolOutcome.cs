namespace CarTConsortium.Procurement.Pools;

/// <summary>One country at closing: what it committed, the units it gets and what they cost.</summary>
/// <param name="AloneUnitPrice">The price of the tier its allocated units reach alone; null for 0 units.</param>
public sealed record CountryOutcome(string CountryCode, int Committed, int Allocated, Money? AloneUnitPrice, Savings Savings);

/// <summary>A commitment that left the pool at closing, with the price it met and in which round.</summary>
public sealed record DroppedOut(string CountryCode, int Quantity, Money MaxUnitPrice, Money PriceThen, int Round, string Reason);

/// <summary>How a pool ended, as stored with it: the <see cref="SettlementResult"/> in plain data.</summary>
/// <param name="Failure">Null when the pool went ahead.</param>
/// <param name="Tier">The fixed tier and price; null when the pool failed.</param>
/// <param name="Countries">Every kept country, by code; empty when the pool failed.</param>
/// <param name="PoolSavings">The sums of the countries' savings; null when the pool failed.</param>
public sealed record PoolOutcome(
    FailureReason? Failure,
    string Description,
    int CommittedVolume,
    int KeptVolume,
    int DeliveredVolume,
    PriceTier? Tier,
    IReadOnlyList<CountryOutcome> Countries,
    IReadOnlyList<DroppedOut> Dropped,
    Savings? PoolSavings)
{
    public bool CapBinds => Failure is null && DeliveredVolume < KeptVolume;

    public static PoolOutcome Of(SettlementResult result, IReadOnlyList<PoolCommitment> commitments)
    {
        var committed = commitments.Sum(c => c.Quantity);
        switch (result)
        {
            case SettlementResult.Settled settled:
                var description = $"{settled.DeliveredVolume} units at {settled.UnitPrice} each (the tier from {settled.Tier.MinQuantity})"
                    + (settled.CapBinds ? $", the supply cap shared pro rata among {settled.KeptVolume} units committed" : "")
                    + (settled.Dropped.Count > 0 ? $"; {settled.Dropped.Count} commitment(s) dropped out above their maximum price" : "");
                return new PoolOutcome(null, description, committed, settled.KeptVolume, settled.DeliveredVolume, settled.Tier,
                    [.. settled.Countries.Select(c => new CountryOutcome(c.CountryCode, c.Commitment.Quantity, c.Allocated, c.AloneUnitPrice, c.Savings))],
                    DroppedOf(settled.Dropped), settled.Pool);
            case SettlementResult.Failed failed:
                return new PoolOutcome(failed.Reason, failed.Description, committed, failed.KeptVolume, 0, null, [], DroppedOf(failed.Dropped), null);
            default:
                throw new ArgumentOutOfRangeException(nameof(result), result, "Unknown settlement result.");
        }
    }

    private static IReadOnlyList<DroppedOut> DroppedOf(IReadOnlyList<DroppedCommitment> dropped) =>
        [.. dropped.Select(d => new DroppedOut(d.Commitment.CountryCode, d.Commitment.Quantity, d.Commitment.MaxUnitPrice, d.PriceThen, d.Round, d.Reason))];
}

/// <summary>The order one country gets from a settled pool; its id is the pool's and the country's.</summary>
public sealed record PurchaseOrder(
    string PurchaseOrderId,
    string PoolId,
    string CountryCode,
    string ItemId,
    string ItemName,
    string Unit,
    string SupplierId,
    int Quantity,
    int CommittedQuantity,
    Money UnitPrice,
    Money Total,
    string DeliveryInstitutionId,
    string BudgetReference,
    DateTimeOffset IssuedAt,
    Money AloneUnitPrice,
    Savings Savings)
{
    public static readonly BuildingBlocks.Storage.Collection<PurchaseOrder> Collection =
        new("purchase_orders", ("pool_id", o => o.PoolId), ("country_code", o => o.CountryCode));

    public static string IdOf(string poolId, string countryCode) => $"{poolId}.{countryCode}";

    /// <summary>One order per country of a settled pool that gets at least one unit.</summary>
    public static IReadOnlyList<PurchaseOrder> IssueFor(Pool settled, DateTimeOffset now)
    {
        if (settled is not { Status: PoolStatus.Settled, Outcome.Tier: { } tier })
        {
            throw new InvalidOperationException($"Pool {settled.PoolId} has not settled.");
        }
        return [.. settled.Outcome.Countries.Where(c => c.Allocated > 0).Select(c =>
        {
            var commitment = settled.CommitmentOf(c.CountryCode)!;
            return new PurchaseOrder(IdOf(settled.PoolId, c.CountryCode), settled.PoolId, c.CountryCode, settled.ItemId, settled.ItemName, settled.Unit,
                settled.SupplierId, c.Allocated, c.Committed, tier.UnitPrice, c.Savings.Paid, commitment.DeliveryInstitutionId, commitment.BudgetReference,
                now, c.AloneUnitPrice!, c.Savings);
        })];
    }
}
