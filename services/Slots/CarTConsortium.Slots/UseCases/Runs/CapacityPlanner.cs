using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Events;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.UseCases.Runs;

/// <summary>A run as the contract shows it: the capacity and the places taken in it.</summary>
public sealed record CapacityView(Stored<ManufacturingRun> Stored, int Booked);

/// <summary>The use cases of manufacturing capacity and of its fair shares, one method each.</summary>
public sealed class CapacityPlanner(IDocumentStore store, TimeProvider clock, IOptions<SlotsOptions> options, PlacesFreed placesFreed)
{
    /// <summary>Offers capacity for a product the registry has registered, and tells the other services through CapacityChanged.</summary>
    public async Task<CapacityView> PublishAsync(Caller caller, string siteId, string productId, DateParts? runStart, int runDays, int lines,
        DateParts? apheresisCutoff, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // Checked before the registry is asked: bad input is INVALID_ARGUMENT whatever the site.
        var capacity = ManufacturingRun.Publish(Guid.CreateVersion7(now).ToString(), siteId, productId, runStart, runDays, lines, apheresisCutoff, "ZZ", now);
        var site = await SiteOfCallerAsync(caller, capacity.SiteId, "A manufacturing site publishes capacity for its own site only.", ct);
        if (await store.FindAsync(SlotsCollections.KnownProducts, capacity.ProductId, ct) is null)
        {
            throw new RuleViolationException($"Product '{capacity.ProductId}' is not in the registry's catalogue (yet).");
        }
        capacity = capacity with { SiteCountry = site.CountryCode };
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var ledger = await store.FindAsync(SlotsCollections.PeriodLedgers, PeriodLedger.IdOf(capacity.SiteId, capacity.RunStart), attemptCt);
            var next = (ledger?.Value ?? PeriodLedger.Empty(capacity.SiteId, capacity.RunStart)).WithRun(capacity.CapacityId, capacity.Lines, open: true, capacity.ApheresisCutoff);
            var stored = Stored.Inserted(capacity.CapacityId, capacity);
            var changes = new ChangeSet().Insert(SlotsCollections.Runs, capacity.CapacityId, capacity);
            _ = ledger is null ? changes.Insert(SlotsCollections.PeriodLedgers, next.LedgerId, next) : changes.Update(SlotsCollections.PeriodLedgers, ledger, next);
            await store.CommitAsync(changes.Raise(SlotsEvents.CapacityChanged(stored, 0), clock), attemptCt);
            placesFreed.Notify();
            return new CapacityView(stored, 0);
        }, ct);
    }

    public async Task<CapacityView> GetAsync(string capacityId, CancellationToken ct)
    {
        var stored = await FindAsync(capacityId, ct);
        return new CapacityView(stored, await BookedAsync(stored.Value, ct));
    }

    /// <param name="siteId">Only this site's capacity; null or empty for every site.</param>
    /// <param name="productId">Only capacity for this product; null or empty for every product.</param>
    public async Task<(IReadOnlyList<CapacityView> Capacity, string NextPageToken)> ListAsync(int pageSize, string? pageToken, string? siteId, string? productId, CancellationToken ct)
    {
        var validator = new Validator();
        if (!string.IsNullOrEmpty(siteId))
        {
            validator.Slug(siteId, "site_id");
        }
        if (!string.IsNullOrEmpty(productId))
        {
            validator.Slug(productId, "product_id");
        }
        var query = Paging.Query(pageSize, pageToken, validator)
            .WhereKey(IndexKeys.SiteId, siteId)
            .WhereKey(IndexKeys.ProductId, productId);
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(SlotsCollections.Runs, query, ct);
        var views = new List<CapacityView>();
        foreach (var stored in page.Items)
        {
            views.Add(new CapacityView(stored, await BookedAsync(stored.Value, ct)));
        }
        return (views, Paging.NextToken(page));
    }

    /// <summary>Takes a run out of offer; refused while bookings hold places in it, naming them, so the site moves or cancels them first (their hospitals are told then).</summary>
    public Task<CapacityView> CloseAsync(Caller caller, string? capacityId, long expectedRevision, string? reason, CancellationToken ct) =>
        ChangeAsync(caller, capacityId, expectedRevision, async (run, attemptCt) =>
        {
            var holding = (await store.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey(IndexKeys.CapacityId, run.CapacityId), attemptCt))
                .Where(b => b.Value.IsActive).Select(b => b.Id).ToList();
            if (holding.Count > 0)
            {
                throw new RuleViolationException($"Capacity {run.CapacityId}: {holding.Count} booking(s) hold places ({string.Join(", ", holding)}); "
                    + "move them to another run (MoveBooking) or cancel them first.");
            }
            return run.Close(reason);
        }, ct);

    public Task<CapacityView> ReopenAsync(Caller caller, string? capacityId, long expectedRevision, CancellationToken ct) =>
        ChangeAsync(caller, capacityId, expectedRevision, (run, _) => Task.FromResult(run.Reopen(clock.GetUtcNow())), ct);

    public int ReleaseDaysBeforeRun => options.Value.Fairness.ReleaseDaysBeforeRun;

    /// <summary>Each member country's guaranteed share of a site's capacity in the period of <paramref name="day"/> (today when null), and what it used.</summary>
    public async Task<(PeriodLedger Ledger, IReadOnlyList<ShareStanding> Shares, int Unreserved, DateOnly Day)> FairSharesAsync(string? siteId, DateParts? day, CancellationToken ct)
    {
        var validator = new Validator().Slug(siteId, "site_id");
        var asked = validator.CalendarDay(day, "day", required: false);
        validator.Check(asked is null || asked < new DateOnly(9999, 12, 1), "day", "must be before 9999-12");
        validator.ThrowIfInvalid();
        var site = await store.FindAsync(SlotsCollections.KnownInstitutions, siteId!, ct);
        if (site is not { Value.IsManufacturingSite: true })
        {
            throw new NotFoundException($"'{siteId}' is not a manufacturing site in the registry (yet).");
        }
        var on = asked ?? ManufacturingRun.Today(clock.GetUtcNow());
        var ledger = (await store.FindAsync(SlotsCollections.PeriodLedgers, PeriodLedger.IdOf(siteId!, on), ct))?.Value ?? PeriodLedger.Empty(siteId!, on);
        var fairness = options.Value.Fairness;
        return (ledger, FairShare.Standings(ledger, fairness), FairShare.Unreserved(ledger, fairness), on);
    }

    /// <summary>One change of a run by its site (or an admin), committed with the run's ledger so no booking slips in between.</summary>
    private async Task<CapacityView> ChangeAsync(Caller caller, string? capacityId, long expectedRevision, Func<ManufacturingRun, CancellationToken, Task<ManufacturingRun>> change, CancellationToken ct)
    {
        new Validator()
            .Check(IsCapacityId(capacityId), "capacity_id", "must be a capacity id as PublishCapacity returned it")
            .CheckExpectedRevision(expectedRevision)
            .ThrowIfInvalid();
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var current = await FindAsync(capacityId, attemptCt);
            if (!caller.IsConsortiumAdmin)
            {
                await SiteOfCallerAsync(caller, current.Value.SiteId, "A manufacturing site changes its own site's capacity only.", attemptCt);
            }
            ConflictRetry.RequireRevision(SlotsCollections.Runs, current, expectedRevision);
            var ledger = await store.FindAsync(SlotsCollections.PeriodLedgers, PeriodLedger.IdOf(current.Value.SiteId, current.Value.RunStart), attemptCt)
                ?? throw new InvalidOperationException($"No ledger for published run {current.Id}.");
            var next = await change(current.Value, attemptCt);
            var nextLedger = ledger.Value.WithRun(next.CapacityId, next.Lines, next.IsOpen, next.ApheresisCutoff);
            var stored = current with { Version = current.Version + 1, Value = next };
            var booked = nextLedger.PlacesOf(next.CapacityId).Taken;
            await store.CommitAsync(new ChangeSet()
                .Update(SlotsCollections.Runs, current, next)
                .Update(SlotsCollections.PeriodLedgers, ledger, nextLedger)
                .Raise(SlotsEvents.CapacityChanged(stored, booked), clock), attemptCt);
            if (next.IsOpen)
            {
                placesFreed.Notify();
            }
            return new CapacityView(stored, booked);
        }, ct);
    }

    /// <summary>The site, if the caller is one of its accounts with a token from the site's country.</summary>
    private async Task<KnownInstitution> SiteOfCallerAsync(Caller caller, string siteId, string why, CancellationToken ct)
    {
        caller.Demand(caller.IsOfOrg(siteId), why);
        // Known only from the registry's events: an entity registered a moment ago may not have arrived yet.
        var site = await store.FindAsync(SlotsCollections.KnownInstitutions, siteId, ct);
        if (site is null || !site.Value.IsManufacturingSite)
        {
            throw new RuleViolationException($"'{siteId}' is not a manufacturing site in the registry (yet).");
        }
        // The federation binds a token's country to its issuer, not its org: a provider speaks only for its own country's sites.
        caller.Demand(caller.IsOfCountry(site.Value.CountryCode), why);
        return site.Value;
    }

    private async Task<Stored<ManufacturingRun>> FindAsync(string? capacityId, CancellationToken ct)
    {
        new Validator().Check(IsCapacityId(capacityId), "capacity_id", "must be a capacity id as PublishCapacity returned it").ThrowIfInvalid();
        return await store.FindAsync(SlotsCollections.Runs, capacityId!, ct)
            ?? throw new NotFoundException($"No capacity '{capacityId}' is published.");
    }

    private async Task<int> BookedAsync(ManufacturingRun run, CancellationToken ct) =>
        (await store.FindAsync(SlotsCollections.PeriodLedgers, PeriodLedger.IdOf(run.SiteId, run.RunStart), ct))?.Value.Runs.GetValueOrDefault(run.CapacityId)?.Taken ?? 0;

    private static bool IsCapacityId(string? id) => Guid.TryParseExact(id, "D", out var parsed) && parsed.ToString() == id;
}
