using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.UseCases.Allocation;

/// <summary>One run weighed for a request: the run and its ledger as read, and the verdict.</summary>
public sealed record WeighedRun(Stored<ManufacturingRun> Run, Stored<PeriodLedger> Ledger, RunDecision Decision);

/// <summary>
/// The use cases' helper for allocation: reads what <see cref="RunRules"/> needs about candidate runs (ledgers, agreements,
/// authorisations, all local read models) and weighs them. The use cases commit against
/// the ledgers returned here, so a decision is never based on counts that changed since.
/// </summary>
public sealed class Allocator(IDocumentStore store, IOptions<SlotsOptions> options)
{
    /// <summary>Open runs of <paramref name="productId"/> that have not started, optionally at one site and in a window, earliest first.</summary>
    /// <remarks>
    /// Reads the product's bookable runs by start month (<see cref="BookableRuns"/>), never the runs that have started or closed.
    /// Each query names its bucket key alone, and the site is chosen here: with the site's key beside it, SQLite's planner took the
    /// site's index (its statistics make the bucket keys look wide, as most documents lack them) and walked every run the site ever published.
    /// </remarks>
    public async Task<List<Stored<ManufacturingRun>>> CandidatesAsync(string productId, string? siteId, DateOnly? earliest, DateOnly? latest,
        DateOnly today, CancellationToken ct)
    {
        var found = await store.QueryAllAsync(SlotsCollections.Runs, DocumentQuery.All.WhereKey(IndexKeys.BookableFar, productId), ct);
        found.AddRange(await store.QueryBucketsAsync(SlotsCollections.Runs, IndexKeys.BookableMonth, BookableRuns.MonthBucketsToRead(productId, earliest, latest, today), ct));
        return BookableRuns.Select(found, r => r.Value, r => r.Id, productId, siteId, earliest, latest, today);
    }

    /// <summary>Every rule for a new booking in each run, in the order given.</summary>
    /// <param name="fairness">The configured shares when null; a move passes none (it is the site's decision within its capacity).</param>
    public async Task<List<WeighedRun>> WeighAsync(RunRequest request, IEnumerable<Stored<ManufacturingRun>> runs, DateOnly today, CancellationToken ct,
        FairnessOptions? fairness = null)
    {
        var context = new ReadContext(store, request, ct);
        var weighed = new List<WeighedRun>();
        foreach (var run in runs)
        {
            var (ledger, facts) = await context.FactsAsync(run.Value);
            weighed.Add(new WeighedRun(run, ledger, RunRules.Weigh(request, facts, fairness ?? options.Value.Fairness, today)));
        }
        return weighed;
    }

    /// <summary>The rules again for a booking that holds a place in <paramref name="run"/> already (confirmation, a move's target is weighed in full).</summary>
    public async Task<RunDecision> RecheckAsync(RunRequest request, ManufacturingRun run, DateOnly today, CancellationToken ct)
    {
        var (_, facts) = await new ReadContext(store, request, ct).FactsAsync(run);
        return RunRules.Recheck(request, facts, today);
    }

    public async Task<Stored<PeriodLedger>> LedgerAsync(string siteId, DateOnly runStart, CancellationToken ct) =>
        await store.FindAsync(SlotsCollections.PeriodLedgers, PeriodLedger.IdOf(siteId, runStart), ct)
        ?? throw new InvalidOperationException($"No ledger {PeriodLedger.IdOf(siteId, runStart)} for a published run.");

    /// <summary>Reads for one weighing, each at most once.</summary>
    private sealed class ReadContext(IDocumentStore store, RunRequest request, CancellationToken ct)
    {
        private readonly Dictionary<string, Stored<PeriodLedger>> _ledgers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, CountryAgreement?> _agreements = new(StringComparer.Ordinal);
        private readonly Dictionary<string, AuthorisationTerms?> _references = new(StringComparer.Ordinal);
        private IReadOnlyList<AuthorisationTerms>? _authorisations;

        public async Task<(Stored<PeriodLedger> Ledger, RunFacts Facts)> FactsAsync(ManufacturingRun run)
        {
            var ledgerId = PeriodLedger.IdOf(run.SiteId, run.RunStart);
            if (!_ledgers.TryGetValue(ledgerId, out var ledger))
            {
                ledger = await store.FindAsync(SlotsCollections.PeriodLedgers, ledgerId, ct)
                    ?? throw new InvalidOperationException($"No ledger {ledgerId} for published run {run.CapacityId}.");
                _ledgers[ledgerId] = ledger;
            }
            CountryAgreement? agreement = null;
            if (run.SiteCountry != request.TreatingCountry)
            {
                var id = SlotsCollections.AgreementIdOf(run.SiteCountry, request.TreatingCountry);
                if (!_agreements.TryGetValue(id, out agreement))
                {
                    agreement = (await store.FindAsync(SlotsCollections.KnownAgreements, id, ct))?.Value.ToAgreement();
                    _agreements[id] = agreement;
                }
            }
            var authorisations = await AuthorisationsAsync();
            return (ledger, new RunFacts(run, ledger.Value, agreement, authorisations, id => _references.GetValueOrDefault(id)));
        }

        private async Task<IReadOnlyList<AuthorisationTerms>> AuthorisationsAsync()
        {
            if (_authorisations is null)
            {
                var known = await store.QueryAllAsync(SlotsCollections.KnownAuthorisations,
                    DocumentQuery.All.WhereKey(IndexKeys.ProductId, request.ProductId).WhereKey(IndexKeys.Jurisdiction, request.TreatingCountry), ct);
                _authorisations = [.. known.Select(k => k.Value.Terms)];
                foreach (var referenceId in _authorisations.Select(a => a.ReferenceAuthorisationId).OfType<string>().Distinct(StringComparer.Ordinal))
                {
                    _references[referenceId] = (await store.FindAsync(SlotsCollections.KnownAuthorisations, referenceId, ct))?.Value.Terms;
                }
            }
            return _authorisations;
        }
    }
}
