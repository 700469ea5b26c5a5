using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.UseCases.Runs;

/// <param name="Day">A day of the period asked about; today when null.</param>
public sealed record GetFairSharesCommand(string? SiteId, DateParts? Day = null);

/// <summary>A site's period: its ledger, each country's standing, the places guaranteed to nobody, and when unused shares open to all.</summary>
public sealed record FairShareStandings(PeriodLedger Ledger, IReadOnlyList<ShareStanding> Shares, int Unreserved, DateOnly PeriodStart, DateOnly PeriodEnd,
    int ReleaseDaysBeforeRun);

/// <summary>Each member country's guaranteed share of a site's capacity in a period, and what it used; open to every role.</summary>
public sealed class GetFairShares(IDocumentStore store, TimeProvider clock, IOptions<SlotsOptions> options)
{
    public async Task<FairShareStandings> ExecuteAsync(GetFairSharesCommand command, CancellationToken ct)
    {
        var validator = new Validator().Slug(command.SiteId, "site_id");
        var asked = validator.CalendarDay(command.Day, "day", required: false);
        validator.Check(asked is null || asked < new DateOnly(9999, 12, 1), "day", "must be before 9999-12");
        validator.ThrowIfInvalid();
        var siteId = command.SiteId!;
        var site = await store.FindAsync(SlotsCollections.KnownInstitutions, siteId, ct);
        if (site is not { Value.IsManufacturingSite: true })
        {
            throw new NotFoundException($"'{siteId}' is not a manufacturing site in the registry (yet).");
        }
        var on = asked ?? ManufacturingRun.Today(clock.GetUtcNow());
        var ledger = (await store.FindAsync(SlotsCollections.PeriodLedgers, PeriodLedger.IdOf(siteId, on), ct))?.Value ?? PeriodLedger.Empty(siteId, on);
        var fairness = options.Value.Fairness;
        return new FairShareStandings(ledger, FairShare.Standings(ledger, fairness), FairShare.Unreserved(ledger, fairness), Period.Start(on), Period.End(on),
            fairness.ReleaseDaysBeforeRun);
    }
}
