using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases.Waitlist;

/// <summary>A patient's draw for a product as a request finds it: kept from an earlier request, or new and to be stored with this one.</summary>
/// <param name="NewSeed">The period's seed when this request is the first to need it: stored with the request too.</param>
public sealed record DrawFound(LotteryDraw Draw, bool IsNew, LotterySeed? NewSeed = null)
{
    /// <summary>Adds a new draw (and a new seed) to the request's commit; a kept one is not written again. A request refused writes neither.</summary>
    public void Stage(ChangeSet changes)
    {
        if (NewSeed is { } seed)
        {
            // Two first requests of a period race: one insert fails, its request is retried and reads the seed that won.
            changes.Insert(SlotsCollections.LotterySeeds, seed.Period, seed);
        }
        if (IsNew)
        {
            changes.Insert(SlotsCollections.LotteryDraws, Draw.Key, Draw);
        }
    }
}

/// <summary>A period's lottery as shown: its commitment always, its seed only once the period has closed.</summary>
public sealed record LotteryPeriodView(string Period, string Commitment, string? RevealedSeed);

/// <summary>
/// The waitlist lottery's seeds and draws in slots' store. A period's seed is made (32 random
/// bytes) by the first request of the period to need a draw, stored in that request's commit and
/// kept, so it survives restarts and is the same for every replica; it is never shown before its
/// period has closed.
/// </summary>
public sealed class LotteryDraws(IDocumentStore store, TimeProvider clock)
{
    /// <summary>The patient's draw for the product: the one kept, or a new one from the current period's seed (neither stored yet).</summary>
    public async Task<DrawFound> DrawOfAsync(string pseudonym, string productId, CancellationToken ct)
    {
        if (await store.FindAsync(SlotsCollections.LotteryDraws, LotteryDraw.MessageOf(pseudonym, productId), ct) is { } kept)
        {
            return new DrawFound(kept.Value, false);
        }
        var now = clock.GetUtcNow();
        var period = Period.Of(ManufacturingRun.Today(now));
        var stored = (await store.FindAsync(SlotsCollections.LotterySeeds, period, ct))?.Value;
        var seed = stored ?? LotterySeed.New(period);
        return new DrawFound(LotteryDraw.Make(seed, pseudonym, productId, now), true, stored is null ? seed : null);
    }

    /// <summary>The periods of <paramref name="periods"/> that have a seed, as shown today, in order.</summary>
    public async Task<IReadOnlyList<LotteryPeriodView>> ShowAsync(IEnumerable<string> periods, CancellationToken ct)
    {
        var current = Period.Of(ManufacturingRun.Today(clock.GetUtcNow()));
        var shown = new List<LotteryPeriodView>();
        foreach (var period in periods.Append(current).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (await store.FindAsync(SlotsCollections.LotterySeeds, period, ct) is { } seed)
            {
                shown.Add(new LotteryPeriodView(period, seed.Value.Commitment, seed.Value.IsRevealedIn(current) ? seed.Value.Seed : null));
            }
        }
        return shown;
    }
}
