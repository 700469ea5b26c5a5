using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Allocation;

namespace CarTConsortium.Slots.UseCases.Runs;

/// <summary>What a site offers: lines for runs of a product starting on one day, as sent.</summary>
/// <param name="ApheresisCutoff">The day before <paramref name="RunStart"/> when not given.</param>
/// <param name="RequestId">The client's idempotency key, when it sent one (<see cref="IdempotencyKey"/>).</param>
public sealed record PublishRunCommand(string SiteId, string ProductId, DateParts? RunStart, int RunDays, int Lines, DateParts? ApheresisCutoff = null,
    string? RequestId = null);

/// <summary>A site offers a run of a product the registry has registered, and tells the other services through CapacityChanged.</summary>
public sealed class PublishRun(IDocumentStore store, TimeProvider clock, InstitutionAccess institutions, PlacesFreed placesFreed, RunReads runs,
    LedgerGates ledgerGates)
{
    public async Task<RunView> ExecuteAsync(PublishRunCommand command, Caller caller, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Checked before the registry is asked: bad input is INVALID_ARGUMENT whatever the site.
        var offer = new RunOffer(command.SiteId, command.ProductId, command.RunStart, command.RunDays, command.Lines, command.ApheresisCutoff);
        // The site's country is known only once the caller is found to speak for the site.
        var run = ManufacturingRun.Publish(Guid.CreateVersion7(now).ToString(), offer, "ZZ", now);
        var site = await institutions.SiteOfCallerAsync(caller, run.SiteId, "A manufacturing site publishes capacity for its own site only.", ct);
        ManufacturingRun.RequireWithinSiteLines(site.InstitutionId, run.Lines, site.ProductionLines);
        if (await store.FindAsync(SlotsCollections.KnownProducts, run.ProductId, ct) is null)
        {
            throw new RuleViolationException($"Product '{run.ProductId}' is not in the registry's catalogue (yet).");
        }
        run = run with { SiteCountry = site.CountryCode };
        var key = IdempotencyKey.Of(command.RequestId, caller, nameof(PublishRun), command);
        return await ConflictRetry.RunAsync(retryCt => new ValueTask<RunView>(store.OnceAsync(key, clock,
            async (capacityId, replayCt) => await runs.ViewAsync(await runs.FindAsync(capacityId, replayCt), replayCt), async attemptCt =>
        {
            var ledgerId = PeriodLedger.IdOf(run.SiteId, run.RunStart);
            using var gate = await ledgerGates.EnterAsync(ledgerId, attemptCt);
            var ledger = await store.FindAsync(SlotsCollections.PeriodLedgers, ledgerId, attemptCt);
            var next = (ledger?.Value ?? PeriodLedger.Empty(run.SiteId, run.RunStart)).WithRun(run.CapacityId, run.Lines, open: true, run.ApheresisCutoff);
            var stored = Stored.Inserted(run.CapacityId, run);
            var changes = new ChangeSet().Insert(SlotsCollections.Runs, run.CapacityId, run);
            _ = ledger is null ? changes.Insert(SlotsCollections.PeriodLedgers, next.LedgerId, next) : changes.Update(SlotsCollections.PeriodLedgers, ledger, next);
            await store.CommitAsync(changes.Raise(SlotsEvents.CapacityChanged(stored, 0), clock).Remember(key, run.CapacityId, clock), attemptCt);
            placesFreed.Notify();
            return new RunView(stored, 0);
        }, retryCt)), ct);
    }
}
