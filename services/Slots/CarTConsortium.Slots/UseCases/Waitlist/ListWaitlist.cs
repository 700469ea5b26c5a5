using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Waitlist;

namespace CarTConsortium.Slots.UseCases.Waitlist;

public sealed record ListWaitlistCommand(string? ProductId);

/// <summary>An entry's place in the order with why, and the entry as stored; its pseudonym is shown only if <paramref name="ShowsPseudonym"/>, its emergency justification only if <paramref name="ShowsJustification"/>.</summary>
public sealed record RankedEntryView(RankedEntry Ranked, Stored<WaitlistEntry> Stored, bool ShowsPseudonym, bool ShowsJustification);

/// <param name="Periods">The lottery of every period an entry's draw is of, and of the current period: commitments, and seeds once revealed.</param>
public sealed record WaitlistStanding(IReadOnlyList<RankedEntryView> Entries, IReadOnlyList<LotteryPeriodView> Periods);

/// <summary>The open entries of a product's waitlist in order, each with why it stands there; everyone sees the order, only the treating hospital whose entry it is.</summary>
public sealed class ListWaitlist(WaitlistQueue queue, LotteryDraws lottery)
{
    public async Task<WaitlistStanding> ExecuteAsync(ListWaitlistCommand command, Caller caller, CancellationToken ct)
    {
        new Validator().Slug(command.ProductId, "product_id").ThrowIfInvalid();
        var open = await queue.OpenEntriesAsync(command.ProductId!, ct);
        var byId = open.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var ranked = WaitlistOrder.Rank(open.Select(e => e.Value));
        var periods = await lottery.ShowAsync(open.Select(e => e.Value.DrawPeriod), ct);
        return new WaitlistStanding([.. ranked.Select(r => new RankedEntryView(r, byId[r.Entry.EntryId], WaitlistAccess.SeesPseudonym(caller, r.Entry),
            WaitlistAccess.SeesJustification(caller, r.Entry)))], periods);
    }
}
