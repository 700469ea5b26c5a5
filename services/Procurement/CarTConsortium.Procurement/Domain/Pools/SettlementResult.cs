namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>Why a pool did not go ahead.</summary>
public enum FailureReason
{
    /// <summary>The commitments at closing add up to less than the minimum volume.</summary>
    MinimumNotReached,

    /// <summary>Enough was committed, but not once the commitments below the price had dropped out.</summary>
    MinimumNotReachedAfterDropOuts,
}

/// <summary>A commitment that left the pool at closing because its maximum unit price was below the pool's price.</summary>
/// <param name="PriceThen">The pool's price in the round the commitment dropped out: at most the final price, as prices only rise from round to round.</param>
/// <param name="Round">1 for the first price the pool was computed at, 2 for the price once those dropped, ...</param>
/// <param name="Reason">For the officer, e.g. "max 1,200.00 USD below the fixed price 1,350.00 USD".</param>
public sealed record DroppedCommitment(Commitment Commitment, Money PriceThen, int Round, string Reason);

/// <summary>
/// What an order costs: <paramref name="Paid"/> at the pool's price, <paramref name="Alone"/>
/// what the same units would have cost at the tier their own volume reaches, and the
/// difference, <paramref name="Saving"/> (never negative: prices never rise with volume).
/// </summary>
public sealed record Savings(Money Paid, Money Alone, Money Saving)
{
    public static Savings Zero(string currency) => new(Money.Zero(currency), Money.Zero(currency), Money.Zero(currency));

    public static Savings operator +(Savings left, Savings right) =>
        new(left.Paid + right.Paid, left.Alone + right.Alone, left.Saving + right.Saving);

    public static Savings Add(Savings left, Savings right) => left + right;
}

/// <summary>One kept country at closing: its commitment, the units it gets and what they cost.</summary>
/// <param name="Allocated">The units it gets: its whole commitment, or its pro-rata share where the supply cap binds (possibly 0).</param>
/// <param name="AloneUnitPrice">The price of the tier <paramref name="Allocated"/> units reach alone; null for 0 units.</param>
public sealed record CountrySettlement(Commitment Commitment, int Allocated, Money? AloneUnitPrice, Savings Savings)
{
    public string CountryCode => Commitment.CountryCode;
}

/// <summary>How a pool ends at closing.</summary>
public abstract record SettlementResult
{
    private SettlementResult()
    {
    }

    /// <summary>The pool does not go ahead: every commitment is released and no order is placed.</summary>
    /// <param name="CommittedVolume">The total committed at closing.</param>
    /// <param name="KeptVolume">The total left when the pool failed: the committed total, less the drop-outs.</param>
    /// <param name="Description">For the officers, e.g. "8 units committed, below the minimum of 10".</param>
    /// <param name="Released">Every commitment of the pool, by country code.</param>
    public sealed record Failed(FailureReason Reason, string Description, int CommittedVolume, int KeptVolume,
        IReadOnlyList<DroppedCommitment> Dropped, IReadOnlyList<Commitment> Released) : SettlementResult;

    /// <summary>The pool goes ahead at one fixed unit price.</summary>
    /// <param name="Tier">The tier of <paramref name="DeliveredVolume"/>, whose price is <paramref name="UnitPrice"/>.</param>
    /// <param name="KeptVolume">The total of the kept commitments.</param>
    /// <param name="DeliveredVolume">The units ordered: <paramref name="KeptVolume"/>, or the supply cap where it binds.</param>
    /// <param name="Countries">One per kept commitment, by country code.</param>
    /// <param name="Pool">The sums of the countries' savings.</param>
    public sealed record Settled(Money UnitPrice, PriceTier Tier, int KeptVolume, int DeliveredVolume,
        IReadOnlyList<DroppedCommitment> Dropped, IReadOnlyList<CountrySettlement> Countries, Savings Pool) : SettlementResult
    {
        /// <summary>Whether the supply cap cut the kept commitments down pro rata.</summary>
        public bool CapBinds => DeliveredVolume < KeptVolume;

        /// <summary>The commitments kept, by country code.</summary>
        public IReadOnlyList<Commitment> Kept => [.. Countries.Select(c => c.Commitment)];

        /// <summary>One purchase order per country that gets at least one unit.</summary>
        public IReadOnlyList<CountrySettlement> PurchaseOrders => [.. Countries.Where(c => c.Allocated > 0)];
    }
}
