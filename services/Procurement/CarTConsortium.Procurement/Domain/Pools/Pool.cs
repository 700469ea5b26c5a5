using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Procurement.Domain.Items;

namespace CarTConsortium.Procurement.Domain.Pools;

public enum PoolStatus
{
    /// <summary>Not settled yet; it takes commitments from its opening until its closing time.</summary>
    Open,

    /// <summary>Closed and gone ahead: price, allocation and orders fixed.</summary>
    Settled,

    /// <summary>Closed below its minimum volume: every commitment released.</summary>
    Failed,
}

/// <summary>One country's commitment as the pool keeps it: the terms, who last set them and when, and its own revision.</summary>
public sealed record PoolCommitment(
    string CountryCode,
    int Quantity,
    Money MaxUnitPrice,
    string DeliveryInstitutionId,
    string BudgetReference,
    long Revision,
    string CommittedBy,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The commitment as the rules take it (it met them when it was made).</summary>
    public Commitment ToRules(PoolTerms terms) =>
        Commitment.Check(terms, CountryCode, Quantity, MaxUnitPrice, DeliveryInstitutionId, BudgetReference);

    public bool HasTermsOf(Commitment commitment) =>
        Quantity == commitment.Quantity && MaxUnitPrice == commitment.MaxUnitPrice
        && DeliveryInstitutionId == commitment.DeliveryInstitutionId && BudgetReference == commitment.BudgetReference;
}

/// <summary>
/// A pool as procurement stores it: its terms (checked by <see cref="PoolTerms"/> when it
/// was opened, and rebuilt from here), a snapshot of the item it buys, the one commitment
/// per country, and how it ended. Every commitment and the closing change this one
/// document, so optimistic concurrency orders them: a commitment either lands before the
/// close (and is counted) or finds the pool closed.
/// </summary>
public sealed record Pool(
    string PoolId,
    string Title,
    string ItemId,
    string ItemName,
    string Unit,
    string SupplierId,
    string Currency,
    IReadOnlyList<PriceTier> Tiers,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    int MinimumVolume,
    int? SupplyCap,
    PoolStatus Status,
    IReadOnlyList<PoolCommitment> Commitments,
    PoolOutcome? Outcome,
    DateTimeOffset OpenedAt,
    string OpenedBy,
    DateTimeOffset? ClosedAt = null,
    string? ClosedBy = null,
    string? CloseReason = null)
{
    public const int MaxTitleLength = 200;

    /// <summary>Who closes a pool at its closing time.</summary>
    public const string ClosingJob = "closing job";

    /// <summary>
    /// A new open pool, with no commitment yet, when every rule holds: its terms
    /// (<see cref="PoolTerms.Check"/>), a title, a closing time after now, an item of the
    /// catalogue and one of that item's suppliers. Otherwise every broken rule at once.
    /// </summary>
    /// <param name="item">The catalogue item <paramref name="itemId"/> names; null when there is none.</param>
    /// <param name="opensAt">Null: now.</param>
    public static Pool Open(string poolId, string? title, string? itemId, CatalogueItem? item, string? supplierId, string? currency,
        IReadOnlyList<PriceTier>? tiers, DateTimeOffset? opensAt, DateTimeOffset? closesAt, int minimumVolume, int? supplyCap, string openedBy,
        DateTimeOffset now)
    {
        var validator = new Validator()
            .Required(title, "title").MaxLength(title?.Trim(), MaxTitleLength, "title")
            // A closing not after the opening is told so by the terms, once.
            .Check(closesAt is null || closesAt > now || closesAt <= (opensAt ?? now), "closes_at", "must be later than now");
        // An unknown item or supplier is told only of a well-formed id; a malformed one is told so by the terms.
        if (new Validator().Slug(itemId, "item_id").IsValid)
        {
            validator.Check(item is not null, "item_id", "is not an item of the catalogue");
            validator.Check(item is null || !new Validator().Slug(supplierId, "supplier_id").IsValid || item.SupplierOf(supplierId) is not null,
                "supplier_id", "is not a supplier of the item");
        }
        var terms = PoolTerms.Check(itemId, supplierId, currency, tiers, opensAt ?? now, closesAt, minimumVolume, supplyCap, validator);
        return new Pool(poolId, title!.Trim(), terms.ItemId, item!.Name, item.Unit, terms.SupplierId, terms.Currency, terms.Tiers.Tiers,
            terms.OpensAt, terms.ClosesAt, terms.MinimumVolume, terms.SupplyCap, PoolStatus.Open, [], null, now, openedBy);
    }

    /// <summary>
    /// The most any amount of the pool can come to: every unit committed at the first (highest)
    /// tier price. Orders, savings and events carry amounts as google.type.Money, whose whole
    /// units are a 64-bit integer, so a commitment that would take this beyond <see cref="long.MaxValue"/> is refused.
    /// </summary>
    public decimal HighestAmount => Commitments.Sum(c => (decimal)c.Quantity) * Tiers[0].UnitPrice.Amount;

    /// <summary>Whether <paramref name="id"/> is a pool id as opening gives it: a GUID in its 36-character lower-case form.</summary>
    public static bool IsPoolId(string? id) => Guid.TryParseExact(id, "D", out var parsed) && parsed.ToString() == id;

    public PoolTerms Terms() => PoolTerms.Check(ItemId, SupplierId, Currency, Tiers, OpensAt, ClosesAt, MinimumVolume, SupplyCap);

    /// <summary>Whether a commitment made at <paramref name="now"/> is taken: open, from its opening until (not at) its closing time.</summary>
    public bool AcceptsCommitmentsAt(DateTimeOffset now) => WhyNotAccepting(now) is null;

    public bool IsDueToCloseAt(DateTimeOffset now) => Status == PoolStatus.Open && now >= ClosesAt;

    public PoolCommitment? CommitmentOf(string countryCode) => Commitments.FirstOrDefault(c => c.CountryCode == countryCode);

    /// <summary>The pooled totals now (open) or as they stood at closing (the commitments are kept).</summary>
    public LiveView Totals()
    {
        var terms = Terms();
        return LivePool.View(terms, [.. Commitments.Select(c => c.ToRules(terms))]);
    }

    /// <summary>Why a commitment made at <paramref name="now"/> is not taken; null when it is.</summary>
    public string? WhyNotAccepting(DateTimeOffset now) => Status switch
    {
        PoolStatus.Settled or PoolStatus.Failed => $"The pool closed at {ClosedAt:u}; commitments are no longer taken.",
        _ when now < OpensAt => $"The pool opens for commitments at {OpensAt:u}.",
        _ when now >= ClosesAt => $"The pool closed for commitments at {ClosesAt:u}.",
        _ => null,
    };

    /// <summary>The pool with <paramref name="commitment"/> in place of the country's earlier one, countries in code order.</summary>
    public Pool With(PoolCommitment commitment) => this with
    {
        Commitments = [.. Commitments.Where(c => c.CountryCode != commitment.CountryCode).Append(commitment).OrderBy(c => c.CountryCode, StringComparer.Ordinal)],
    };

    public Pool Without(string countryCode) => this with { Commitments = [.. Commitments.Where(c => c.CountryCode != countryCode)] };

    /// <summary>The pool closed at <paramref name="now"/>, settled by <see cref="PoolSettlement.Settle(PoolTerms, IReadOnlyList{Commitment})"/>.</summary>
    public (Pool Closed, SettlementResult Result) Close(DateTimeOffset now, string closedBy, string? reason)
    {
        if (Status != PoolStatus.Open)
        {
            throw new RuleViolationException($"The pool is {Status.ToString().ToLowerInvariant()} already.");
        }
        var result = Settle();
        var closed = this with
        {
            Status = result is SettlementResult.Settled ? PoolStatus.Settled : PoolStatus.Failed,
            Outcome = PoolOutcome.Of(result, Commitments),
            ClosedAt = now,
            ClosedBy = closedBy,
            CloseReason = reason,
        };
        return (closed, result);
    }

    private SettlementResult Settle()
    {
        var terms = Terms();
        return PoolSettlement.Settle(terms, [.. Commitments.Select(c => c.ToRules(terms))]);
    }

    /// <summary>
    /// What each country pays, would pay alone, and saves: the pool's fixed figures once it
    /// settled; while it is open, what they would be if it closed now with the commitments as
    /// they stand; none when it failed or would fail. Every country's figures: for a reader, <see cref="SavingsSeenBy"/>.
    /// </summary>
    public SavingsReport Savings() => Status switch
    {
        PoolStatus.Settled => new SavingsReport(SavingsBasis.Final, Currency, Outcome!.Tier!.UnitPrice, Outcome.PoolSavings, Outcome.Countries, ""),
        PoolStatus.Failed => SavingsReport.None(Currency, $"The pool failed: {Outcome!.Description}."),
        _ => Projection(Settle(), ""),
    };

    /// <summary>
    /// The savings as <paramref name="viewer"/> may see them. An admin sees <see cref="Savings"/>.
    /// An officer sees their own country's figures, and the pool's sums only where they see its
    /// exact totals (<see cref="PoolViewer.SeesExactTotals"/>). An open pool's projection for an
    /// officer is computed from what they may know: the pooled quantities (once disclosed), the
    /// tiers and their own maximum price, every other country assumed to stay in whatever the
    /// price. Projected with the others' real maximum prices, a commit or withdrawal that tips
    /// the projection from "goes ahead" to "would fail after drop-outs" brackets another
    /// country's confidential maximum price; projected this way, nothing an officer reads
    /// depends on it. While the totals are not disclosed there is no projection at all: the
    /// projected price would give away the tier the exact total reaches.
    /// </summary>
    public SavingsReport SavingsSeenBy(PoolViewer viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        if (viewer.SeesEveryCountry)
        {
            return Savings();
        }
        var exact = viewer.SeesExactTotals(Commitments.Count);
        switch (Status)
        {
            case PoolStatus.Settled:
                var final = Savings().SeenBy(viewer);
                // The pool's sums less one's own are the other kept countries' sums: as guarded as the volumes.
                return exact && Outcome!.DisclosesVolumesTo(viewer, Commitments.Count) ? final : final with { Pool = null };
            case PoolStatus.Failed:
                return SavingsReport.None(Currency, $"The pool failed: {Outcome!.SeenBy(viewer, Commitments.Count).Description}.");
            default:
                if (!exact)
                {
                    return SavingsReport.None(Currency,
                        $"Projections are shown once {viewer.DisclosureCountries} countries have committed; {Commitments.Count} have so far.");
                }
                var terms = Terms();
                var highest = terms.Tiers.Tiers[0].UnitPrice;
                var assumed = Commitments.Select(c => viewer.Sees(c.CountryCode)
                    ? c.ToRules(terms)
                    : Commitment.Check(terms, c.CountryCode, c.Quantity, highest, c.DeliveryInstitutionId, c.BudgetReference)).ToArray();
                return Projection(PoolSettlement.Settle(terms, assumed), "Projected as if every other country stays in: their maximum prices are theirs to keep.")
                    .SeenBy(viewer);
        }
    }

    private SavingsReport Projection(SettlementResult result, string note) => result is SettlementResult.Settled settled
        ? new SavingsReport(SavingsBasis.Projected, Currency, settled.UnitPrice, settled.Pool, PoolOutcome.Of(settled, Commitments).Countries, note)
        : SavingsReport.None(Currency, $"If the pool closed now it would fail: {((SettlementResult.Failed)result).Description}.");
}
