using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Catalogue;
using Events = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Pools;

/// <summary>
/// The use cases of pooled procurement, one method each. The rules live in the plain
/// classes beside it (<see cref="Pool"/>, <see cref="PoolTerms"/>, <see cref="Commitment"/>,
/// <see cref="PoolSettlement"/>); this class adds what needs the store: the catalogue, the
/// registry's institutions, the caller's country, optimistic concurrency, orders and events.
/// </summary>
public sealed class PoolDesk(IDocumentStore store, TimeProvider clock, PoolsOpened poolsOpened)
{
    private const string OwnCountryOnly = "A procurement officer commits, amends and withdraws for their own country only.";
    private const int MaxReasonLength = 500;

    /// <summary>Opens a pool and tells the other services (PoolOpened); the closing job learns its closing time at once.</summary>
    public async Task<Stored<Pool>> OpenAsync(Caller caller, string? title, string? itemId, string? supplierId, string? currency,
        IReadOnlyList<PriceTier>? tiers, DateTimeOffset? opensAt, DateTimeOffset? closesAt, int minimumVolume, int? supplyCap, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var item = new Validator().Slug(itemId, "item_id").IsValid ? (await store.FindAsync(CatalogueItem.Collection, itemId!, ct))?.Value : null;
        // A version 7 id sorts by opening time, so lists (ordered by id) read oldest first.
        var pool = Pool.Open(Guid.CreateVersion7(now).ToString(), title, itemId, item, supplierId, currency, tiers, opensAt, closesAt,
            minimumVolume, supplyCap, caller.Subject, now);
        var stored = Stored.Inserted(pool.PoolId, pool);
        await store.CommitAsync(new ChangeSet()
            .Insert(Pool.Collection, pool.PoolId, pool)
            .Raise(new Events.PoolOpened { Pool = ProcurementMapping.ToContract(stored, PoolViewer.Everything, now) }, clock), ct);
        poolsOpened.Notify();
        return stored;
    }

    /// <summary>
    /// The caller's country commits to the pool, or amends its commitment. A first commitment
    /// names revision 0, an amendment the commitment's revision; a stale one is ABORTED. One that
    /// changes nothing writes nothing. Taken only while the pool accepts commitments. An officer
    /// naming another country is refused before anything is read.
    /// </summary>
    public async Task<Stored<Pool>> CommitAsync(Caller caller, string? poolId, string? countryCode, int quantity, Money? maxUnitPrice,
        string? deliveryInstitutionId, string? budgetReference, long expectedRevision, CancellationToken ct)
    {
        new Validator()
            .Check(IsPoolId(poolId), "pool_id", "must be a pool id as OpenPool returned it")
            .Check(expectedRevision >= 0, "expected_revision", "must be 0 for a first commitment, or the revision of the commitment it amends")
            .ThrowIfInvalid();
        if (new Validator().CountryCode(countryCode, "country_code").IsValid)
        {
            caller.Demand(caller.IsOfCountry(countryCode), OwnCountryOnly);
        }
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var current = await FindAsync(poolId!, attemptCt);
            var commitment = Commitment.Check(current.Value.Terms(), countryCode, quantity, maxUnitPrice, deliveryInstitutionId, budgetReference);
            await CheckDeliveryInstitutionAsync(commitment, attemptCt);
            var now = clock.GetUtcNow();
            if (current.Value.WhyNotAccepting(now) is { } closed)
            {
                throw new RuleViolationException(closed);
            }
            var existing = current.Value.CommitmentOf(commitment.CountryCode);
            if ((existing?.Revision ?? 0) != expectedRevision)
            {
                throw new CallerRevisionStaleException("commitments", IdOf(current.Id, commitment.CountryCode));
            }
            if (existing is not null && existing.HasTermsOf(commitment))
            {
                return current;
            }
            // The commitment's revision is the pool's revision it is written at: it only rises, also across a
            // withdrawal and a new commitment, so a revision read before the withdrawal cannot change the new one.
            var kept = new PoolCommitment(commitment.CountryCode, commitment.Quantity, commitment.MaxUnitPrice, commitment.DeliveryInstitutionId,
                commitment.BudgetReference, current.Version + 1, caller.Subject, now);
            var next = current.Value.With(kept);
            new Validator().Check(next.HighestAmount <= long.MaxValue, "quantity",
                $"would take the pool's value at its first tier price beyond what an amount can carry ({long.MaxValue:N0} {next.Currency})").ThrowIfInvalid();
            return await SaveCommitmentAsync(current, next, kept.CountryCode, existing is null ? "committed" : "amended", kept, attemptCt);
        }, ct);
    }

    /// <summary>The caller's country takes its commitment back, while the pool accepts commitments.</summary>
    public async Task<Stored<Pool>> WithdrawAsync(Caller caller, string? poolId, string? countryCode, long expectedRevision, CancellationToken ct)
    {
        new Validator()
            .Check(IsPoolId(poolId), "pool_id", "must be a pool id as OpenPool returned it")
            .CountryCode(countryCode, "country_code")
            .Check(expectedRevision >= 1, "expected_revision", "is required: the revision of the commitment withdrawn")
            .ThrowIfInvalid();
        caller.Demand(caller.IsOfCountry(countryCode), OwnCountryOnly);
        return await ConflictRetry.RunAsync(async attemptCt =>
        {
            var current = await FindAsync(poolId!, attemptCt);
            if (current.Value.WhyNotAccepting(clock.GetUtcNow()) is { } closed)
            {
                throw new RuleViolationException(closed);
            }
            var existing = current.Value.CommitmentOf(countryCode!) ?? throw new NotFoundException($"{countryCode} has no commitment in this pool.");
            if (existing.Revision != expectedRevision)
            {
                throw new CallerRevisionStaleException("commitments", IdOf(current.Id, existing.CountryCode));
            }
            return await SaveCommitmentAsync(current, current.Value.Without(existing.CountryCode), existing.CountryCode, "withdrawn", null, attemptCt);
        }, ct);
    }

    /// <summary>An admin closes an open pool before its time and settles it now, giving the reason.</summary>
    public async Task<Stored<Pool>> CloseEarlyAsync(Caller caller, string? poolId, string? reason, CancellationToken ct)
    {
        new Validator()
            .Check(IsPoolId(poolId), "pool_id", "must be a pool id as OpenPool returned it")
            .Required(reason, "reason").MaxLength(reason?.Trim(), MaxReasonLength, "reason")
            .ThrowIfInvalid();
        return await ConflictRetry.RunAsync(async attemptCt => await CloseAsync(await FindAsync(poolId!, attemptCt), caller.Subject, reason!.Trim(), attemptCt), ct);
    }

    /// <summary>
    /// Closes and settles every open pool whose closing time has come. Run by the closing job;
    /// a pool someone closes meanwhile is left as they closed it, so several replicas are safe.
    /// </summary>
    /// <returns>How many pools this call closed.</returns>
    public async Task<int> CloseDueAsync(CancellationToken ct)
    {
        var closed = 0;
        foreach (var due in await OpenPoolsAsync(ct))
        {
            if (!due.Value.IsDueToCloseAt(clock.GetUtcNow()))
            {
                continue;
            }
            closed += await ConflictRetry.RunAsync(async attemptCt =>
            {
                var current = await FindAsync(due.Id, attemptCt);
                if (!current.Value.IsDueToCloseAt(clock.GetUtcNow()))
                {
                    return 0;
                }
                await CloseAsync(current, Pool.ClosingJob, null, attemptCt);
                return 1;
            }, ct);
        }
        return closed;
    }

    /// <summary>The earliest closing time of a pool still open; null when none is.</summary>
    public async Task<DateTimeOffset?> NextClosingAsync(CancellationToken ct) =>
        (await OpenPoolsAsync(ct)).Select(p => (DateTimeOffset?)p.Value.ClosesAt).Min();

    public async Task<Stored<Pool>> GetAsync(string? poolId, CancellationToken ct)
    {
        new Validator().Check(IsPoolId(poolId), "pool_id", "must be a pool id as OpenPool returned it").ThrowIfInvalid();
        return await FindAsync(poolId!, ct);
    }

    /// <param name="status">Only pools in this status; null for all.</param>
    /// <param name="itemId">Only pools of this item; empty for all.</param>
    public async Task<(IReadOnlyList<Stored<Pool>> Pools, string NextPageToken)> ListAsync(int pageSize, string? pageToken, PoolStatus? status,
        string? itemId, CancellationToken ct)
    {
        var validator = new Validator();
        if (!string.IsNullOrEmpty(itemId))
        {
            validator.Slug(itemId, "item_id");
        }
        var query = Paging.Query(pageSize, pageToken, validator).WhereKey("status", status?.ToString()).WhereKey("item_id", itemId);
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(Pool.Collection, query, ct);
        return (page.Items, Paging.NextToken(page));
    }

    public async Task<Stored<PurchaseOrder>> GetOrderAsync(Caller caller, string? purchaseOrderId, CancellationToken ct)
    {
        var parts = purchaseOrderId?.Split('.');
        new Validator()
            .Check(parts is [var pool, var country] && IsPoolId(pool) && new Validator().CountryCode(country, "").IsValid, "purchase_order_id",
                "must be a purchase order id: the pool id, a dot and the country code")
            .ThrowIfInvalid();
        // The id names the order's country: another country's is refused before the lookup, so that
        // whether it exists (whether that country got units or dropped out) tells the caller nothing.
        caller.Demand(PoolViewer.Of(caller).Sees(parts![1]), "A procurement officer reads their own country's purchase orders only.");
        return await store.FindAsync(PurchaseOrder.Collection, purchaseOrderId!, ct)
            ?? throw new NotFoundException($"No purchase order '{purchaseOrderId}' exists.");
    }

    /// <summary>Purchase orders, oldest pool first: an officer's own country's (naming another is refused), any country's for an admin.</summary>
    public async Task<(IReadOnlyList<Stored<PurchaseOrder>> Orders, string NextPageToken)> ListOrdersAsync(Caller caller, int pageSize, string? pageToken,
        string? poolId, string? countryCode, CancellationToken ct)
    {
        var validator = new Validator();
        if (!string.IsNullOrEmpty(poolId))
        {
            validator.Check(IsPoolId(poolId), "pool_id", "must be a pool id as OpenPool returned it");
        }
        if (!string.IsNullOrEmpty(countryCode))
        {
            validator.CountryCode(countryCode, "country_code");
        }
        var query = Paging.Query(pageSize, pageToken, validator);
        validator.ThrowIfInvalid();
        var viewer = PoolViewer.Of(caller);
        if (!viewer.SeesEveryCountry)
        {
            caller.Demand(string.IsNullOrEmpty(countryCode) || viewer.Sees(countryCode), "A procurement officer reads their own country's purchase orders only.");
            countryCode = viewer.Country ?? throw new PermissionDeniedException("The token names no country.");
        }
        var page = await store.QueryAsync(PurchaseOrder.Collection, query.WhereKey("pool_id", poolId).WhereKey("country_code", countryCode), ct);
        return (page.Items, Paging.NextToken(page));
    }

    private async Task<Stored<Pool>> CloseAsync(Stored<Pool> current, string closedBy, string? reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (closed, _) = current.Value.Close(now, closedBy, reason);
        var stored = current with { Version = current.Version + 1, Value = closed };
        var changes = new ChangeSet().Update(Pool.Collection, current, closed);
        var pool = ProcurementMapping.ToContract(stored, PoolViewer.Everything, now);
        if (closed.Status == PoolStatus.Settled)
        {
            var orders = PurchaseOrder.IssueFor(closed, now);
            foreach (var order in orders)
            {
                changes.Insert(PurchaseOrder.Collection, order.PurchaseOrderId, order);
            }
            changes
                .Raise(new Events.PoolClosed { Pool = pool, Savings = ProcurementMapping.ToContract(closed.PoolId, closed.Savings(), PoolViewer.Everything) }, clock)
                .Raise(new Events.PurchaseOrdersIssued { PoolId = closed.PoolId, PurchaseOrders = { orders.Select(ProcurementMapping.ToContract) } }, clock);
        }
        else
        {
            changes.Raise(new Events.PoolFailed { Pool = pool }, clock);
        }
        await store.CommitAsync(changes, ct);
        return stored;
    }

    private async Task<Stored<Pool>> SaveCommitmentAsync(Stored<Pool> current, Pool next, string countryCode, string change, PoolCommitment? commitment,
        CancellationToken ct)
    {
        var stored = current with { Version = current.Version + 1, Value = next };
        var changed = new Events.CommitmentChanged
        {
            PoolId = next.PoolId,
            CountryCode = countryCode,
            Change = change,
            Commitment = commitment is null ? null : ProcurementMapping.ToContract(next.PoolId, commitment),
            Totals = ProcurementMapping.ToContract(next.Totals(), next.Commitments.Count),
        };
        await store.CommitAsync(new ChangeSet().Update(Pool.Collection, current, next).Raise(changed, clock), ct);
        return stored;
    }

    private async Task CheckDeliveryInstitutionAsync(Commitment commitment, CancellationToken ct)
    {
        var institution = await store.FindAsync(KnownInstitution.Collection, commitment.DeliveryInstitutionId, ct);
        new Validator()
            .Check(institution?.Value.CountryCode == commitment.CountryCode, "delivery_institution_id",
                $"is not an institution of {commitment.CountryCode} known to the registry")
            .ThrowIfInvalid();
    }

    private Task<List<Stored<Pool>>> OpenPoolsAsync(CancellationToken ct) =>
        store.QueryAllAsync(Pool.Collection, DocumentQuery.All.WhereKey("status", nameof(PoolStatus.Open)), ct);

    private async Task<Stored<Pool>> FindAsync(string poolId, CancellationToken ct) =>
        await store.FindAsync(Pool.Collection, poolId, ct) ?? throw new NotFoundException($"No pool '{poolId}' exists.");

    private static string IdOf(string poolId, string countryCode) => $"{poolId}/{countryCode}";

    private static bool IsPoolId(string? id) => Guid.TryParseExact(id, "D", out var parsed) && parsed.ToString() == id;
}

/// <summary>Wakes the closing job when a pool opens, so that it learns the new closing time at once.</summary>
public sealed class PoolsOpened : WakeUpSignal;
