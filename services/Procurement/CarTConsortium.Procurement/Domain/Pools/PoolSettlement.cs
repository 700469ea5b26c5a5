namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>What happens to a pool at its closing time.</summary>
public static class PoolSettlement
{
    /// <summary>
    /// Settles a pool at closing, exactly (integers and decimals, nothing rounded):
    /// <list type="number">
    /// <item>The kept commitments start as all of them. The pool's price is the tier price at the
    /// volume the supplier will deliver: the kept total, or the supply cap where that is lower.</item>
    /// <item>If the kept total is below the minimum volume, the pool fails and every commitment is
    /// released (<see cref="FailureReason.MinimumNotReached"/> in the first round,
    /// <see cref="FailureReason.MinimumNotReachedAfterDropOuts"/> later).</item>
    /// <item>Every kept commitment whose maximum unit price is below the price drops out, and the
    /// price is computed again from step 1 with those left, until a round drops nobody. A drop
    /// can lower the volume into a dearer tier, which can drop others: a cascade.</item>
    /// <item>The price of the last round is fixed. If the kept total exceeds the supply cap, the cap
    /// is shared pro rata in whole units by largest remainder (<see cref="ProRata.Allocate"/>);
    /// otherwise each country gets what it committed.</item>
    /// <item>Per country: paid = allocated x fixed price; alone = allocated x the price of the
    /// tier the allocated units reach on their own (the allocated, not the committed, quantity:
    /// savings compare like with like, the units the country actually buys); saving = alone -
    /// paid. For the pool, the sums of those.</item>
    /// </list>
    /// One commitment per country: an amendment replaces a country's commitment, and each
    /// country gets one purchase order, for one delivery institution and one budget reference.
    /// </summary>
    /// <exception cref="ArgumentException">Two commitments of one country, or a commitment in another currency than the pool's.</exception>
    public static SettlementResult Settle(PoolTerms terms, IReadOnlyList<Commitment> commitments)
    {
        var committed = PooledTotal(terms, commitments);
        var kept = commitments.OrderBy(c => c.CountryCode, StringComparer.Ordinal).ToList();
        var dropped = new List<(Commitment Commitment, Money Price, int Round)>();

        // Termination: a round either drops nobody and ends, or drops at least one commitment, and
        // the kept set only shrinks; so there are at most (commitments + 1) rounds. The price never
        // falls from one round to the next either: the kept total only falls, so the delivered
        // volume only falls, and a lower volume never has a lower tier price. Hence a commitment
        // dropped in any round is also below the final, fixed price, and no kept commitment
        // would have been better off in an earlier round.
        for (var round = 1; ; round++)
        {
            var total = kept.Sum(c => c.Quantity);
            if (total < terms.MinimumVolume)
            {
                return Fail(terms, commitments, committed, total, dropped);
            }
            var volume = terms.DeliverableVolume(total);
            var price = terms.Tiers.PriceAt(volume);
            var below = kept.Where(c => c.MaxUnitPrice < price).ToArray();
            if (below.Length == 0)
            {
                return Settle(terms, kept, total, price,
                    [.. dropped.Select(d => new DroppedCommitment(d.Commitment, d.Price, d.Round, DropOutReason(d.Commitment, d.Price, d.Round)))]);
            }
            dropped.AddRange(below.Select(c => (c, price, round)));
            kept.RemoveAll(below.Contains);
        }
    }

    /// <summary>
    /// The total of <paramref name="commitments"/> after checking that they can be pooled: one
    /// per country, each in the pool's currency. At most 676 countries of at most
    /// <see cref="Commitment.MaxQuantity"/> units each keeps it within an int.
    /// </summary>
    internal static int PooledTotal(PoolTerms terms, IReadOnlyList<Commitment> commitments)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(commitments);
        if (commitments.DistinctBy(c => c.CountryCode, StringComparer.Ordinal).Count() != commitments.Count)
        {
            throw new ArgumentException("A pool holds one commitment per country.", nameof(commitments));
        }
        if (commitments.Any(c => c.MaxUnitPrice.Currency != terms.Currency))
        {
            throw new ArgumentException($"Every commitment of the pool is in {terms.Currency}.", nameof(commitments));
        }
        return commitments.Sum(c => c.Quantity);
    }

    private static SettlementResult.Failed Fail(PoolTerms terms, IReadOnlyList<Commitment> commitments, int committed, int kept,
        List<(Commitment Commitment, Money Price, int Round)> dropped)
    {
        var afterDropOuts = dropped.Count > 0;
        var description = afterDropOuts
            ? $"{kept} units left after drop-outs (of {committed} committed), below the minimum of {terms.MinimumVolume}"
            : $"{committed} units committed, below the minimum of {terms.MinimumVolume}";
        return new SettlementResult.Failed(
            afterDropOuts ? FailureReason.MinimumNotReachedAfterDropOuts : FailureReason.MinimumNotReached,
            description, committed, kept,
            [.. dropped.Select(d => new DroppedCommitment(d.Commitment, d.Price, d.Round, DropOutReason(d.Commitment, d.Price, d.Round)))],
            [.. commitments.OrderBy(c => c.CountryCode, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// Quotes the price of the round the commitment dropped out in, not the final one (a later
    /// round's price was never the country's to meet), and no volume: an officer reads their own
    /// reason, and the volume of a round would tell them the other countries' total.
    /// </summary>
    private static string DropOutReason(Commitment commitment, Money priceThen, int round) =>
        $"max {commitment.MaxUnitPrice} below the price {priceThen} of round {round}";

    private static SettlementResult.Settled Settle(PoolTerms terms, List<Commitment> kept, int total, Money price,
        IReadOnlyList<DroppedCommitment> dropped)
    {
        var delivered = terms.DeliverableVolume(total);
        var allocated = delivered < total
            ? ProRata.Allocate([.. kept.Select(c => new Claim(c.CountryCode, c.Quantity))], delivered).Select(s => s.Allocated).ToArray()
            : [.. kept.Select(c => c.Quantity)];
        var countries = kept.Select((c, i) => CountrySettlement(terms.Tiers, c, allocated[i], price)).ToArray();
        var pool = countries.Aggregate(Savings.Zero(terms.Currency), (sum, c) => sum + c.Savings);
        return new SettlementResult.Settled(price, terms.Tiers.TierAt(delivered), total, delivered, dropped, countries, pool);
    }

    private static CountrySettlement CountrySettlement(PriceTiers tiers, Commitment commitment, int allocated, Money price)
    {
        if (allocated == 0)
        {
            return new CountrySettlement(commitment, 0, null, Savings.Zero(price.Currency));
        }
        var aloneUnitPrice = tiers.PriceAt(allocated);
        var paid = price.Times(allocated);
        var alone = aloneUnitPrice.Times(allocated);
        return new CountrySettlement(commitment, allocated, aloneUnitPrice, new Savings(paid, alone, alone - paid));
    }
}
