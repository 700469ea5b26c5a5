using System.Globalization;
using CarTConsortium.Approvals.Catalogue;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Approvals.Authorisations;

/// <summary>
/// The use cases of authorisation tracking, one method each. The lifecycle and usage rules
/// live in <see cref="Authorisation"/> and <see cref="UsageRules"/>; this class adds what
/// needs the store: the registry's products, countries and institutions (from its events),
/// the caller's country, optimistic concurrency, the history and the events.
/// </summary>
public sealed class AuthorisationRegister(IDocumentStore store, TimeProvider clock)
{
    private const string OwnCountryOnly = "A regulatory officer records and changes authorisations of their own country only.";

    public async Task<Stored<Authorisation>> RecordAsync(Caller caller, string productId, string jurisdiction, Authority? authority, Pathway? pathway,
        ScopeInput? scope, string? referenceAuthorisationId, string? reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var authorisation = Authorisation.Record(productId, jurisdiction, authority, pathway, scope, referenceAuthorisationId, now);
        var why = CheckReason(reason, required: false);
        caller.Demand(caller.IsConsortiumAdmin || caller.IsOfCountry(authorisation.Jurisdiction), OwnCountryOnly);
        await CheckKnownAsync(authorisation, ct);
        var stored = Stored.Inserted(authorisation.AuthorisationId, authorisation);
        var change = AuthorisationChange.By(caller, AuthorisationChange.Recorded, stored, Authorisation.AsRecorded(authorisation), why, now);
        await store.CommitAsync(new ChangeSet()
            .Insert(Authorisation.Collection, authorisation.AuthorisationId, authorisation)
            .Insert(AuthorisationChange.Collection, AuthorisationChange.IdOf(stored.Id, stored.Version), change)
            .Raise(new AuthorisationChanged { Authorisation = ApprovalsMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    public async Task<Stored<Authorisation>> ChangeStatusAsync(Caller caller, string authorisationId, AuthorisationStatus? target, long expectedRevision, string? reason,
        DateParts? submittedOn, DateParts? decidedOn, DateParts? effectiveOn, DateParts? expiresOn, CancellationToken ct)
    {
        var why = CheckChange(authorisationId, expectedRevision, reason);
        var current = await GetAsync(authorisationId, ct);
        caller.Demand(caller.IsConsortiumAdmin || caller.IsOfCountry(current.Value.Jurisdiction), OwnCountryOnly);
        ExpectedRevision.Require(Authorisation.Collection, current, expectedRevision);
        var changed = current.Value.ChangeStatus(target, submittedOn, decidedOn, effectiveOn, expiresOn, LatestToday);
        return await SaveAsync(current, changed, (after, changes, now) => AuthorisationChange.By(caller, AuthorisationChange.StatusChanged, after, changes, why, now), ct);
    }

    /// <summary>
    /// Changes scope or expiry; what the request leaves empty stays as it is, and the expiry
    /// goes only when <paramref name="clearExpiry"/> says so. An amendment that changes
    /// nothing writes nothing and publishes nothing.
    /// </summary>
    public async Task<Stored<Authorisation>> AmendAsync(Caller caller, string authorisationId, long expectedRevision, string? reason, ScopeInput? scope,
        DateParts? expiresOn, bool clearExpiry, CancellationToken ct)
    {
        var why = CheckChange(authorisationId, expectedRevision, reason);
        new Validator().Check(!clearExpiry || expiresOn is null or { Year: 0, Month: 0, Day: 0 }, "expires_on", "must be empty when clear_expiry is set").ThrowIfInvalid();
        var current = await GetAsync(authorisationId, ct);
        caller.Demand(caller.IsConsortiumAdmin || caller.IsOfCountry(current.Value.Jurisdiction), OwnCountryOnly);
        ExpectedRevision.Require(Authorisation.Collection, current, expectedRevision);
        var kept = current.Value;
        var newScope = scope ?? new ScopeInput(kept.Scope.Indication, kept.Scope.MinAgeYears, kept.Scope.MaxAgeYears ?? 0, kept.Scope.InstitutionIds);
        var newExpiry = clearExpiry ? null
            : expiresOn is null or { Year: 0, Month: 0, Day: 0 } ? (kept.ExpiresOn is { } e ? DateParts.Of(e) : null)
            : expiresOn;
        var amended = kept.Amend(newScope, newExpiry, LatestToday);
        if (ReferenceEquals(amended, current.Value))
        {
            return current;
        }
        await CheckKnownAsync(amended, ct);
        return await SaveAsync(current, amended, (after, changes, now) => AuthorisationChange.By(caller, AuthorisationChange.Amended, after, changes, why, now), ct);
    }

    /// <summary>
    /// Moves every approved authorisation whose expiry has passed to EXPIRED. Run by the
    /// expiry job; one that someone changes meanwhile is left to the next run.
    /// </summary>
    /// <returns>How many expired.</returns>
    public async Task<int> ExpireDueAsync(CancellationToken ct)
    {
        var today = Today;
        var expired = 0;
        foreach (var status in new[] { AuthorisationStatus.Approved, AuthorisationStatus.ConditionallyApproved, AuthorisationStatus.Suspended })
        {
            foreach (var current in await AllAsync(DocumentQuery.All.WhereKey("status", status.ToString()), ct))
            {
                if (!current.Value.IsDueToExpire(today))
                {
                    continue;
                }
                try
                {
                    var lastDay = current.Value.ExpiresOn!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    await SaveAsync(current, current.Value.Expire(today), (after, changes, now) =>
                        AuthorisationChange.BySystem(AuthorisationChange.Expired, after, changes, $"expires_on {lastDay} has passed", now), ct);
                    expired++;
                }
                catch (ConcurrencyConflictException)
                {
                    // Changed since it was read: the next run sees its new state.
                }
            }
        }
        return expired;
    }

    public async Task<Stored<Authorisation>> GetAsync(string authorisationId, CancellationToken ct)
    {
        new Validator().Required(authorisationId, "authorisation_id").MaxLength(authorisationId, 200, "authorisation_id").ThrowIfInvalid();
        return await store.FindAsync(Authorisation.Collection, authorisationId, ct)
            ?? throw new NotFoundException($"No authorisation '{authorisationId}' is tracked.");
    }

    public async Task<(IReadOnlyList<Stored<Authorisation>> Authorisations, string NextPageToken)> ListAsync(
        int pageSize, string? pageToken, string? productId, string? jurisdiction, Pathway? pathway, AuthorisationStatus? status, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator)
            .WhereKey("product_id", productId)
            .WhereKey("jurisdiction", jurisdiction)
            .WhereKey("pathway", pathway?.ToString())
            .WhereKey("status", status?.ToString());
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(Authorisation.Collection, query, ct);
        return (page.Items, Paging.NextToken(page));
    }

    /// <summary>Every change of one authorisation, oldest first.</summary>
    public async Task<(IReadOnlyList<Stored<AuthorisationChange>> Entries, string NextPageToken)> HistoryAsync(string authorisationId, int pageSize, string? pageToken, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator);
        validator.ThrowIfInvalid();
        await GetAsync(authorisationId, ct);
        var page = await store.QueryAsync(AuthorisationChange.Collection, query.WhereKey("authorisation_id", authorisationId), ct);
        return (page.Items, Paging.NextToken(page));
    }

    /// <summary>The product x country matrix within the filters: rows and columns from the registry, cells from the authorisations.</summary>
    public async Task<MatrixView> MatrixAsync(string? productId, string? countryCode, Pathway? pathway, CancellationToken ct)
    {
        var validator = new Validator();
        if (!string.IsNullOrEmpty(productId))
        {
            validator.Slug(productId, "product_id");
        }
        if (!string.IsNullOrEmpty(countryCode))
        {
            validator.Check(Authorisation.IsJurisdiction(countryCode), "country_code", "must be an ISO 3166-1 alpha-2 code in upper case (e.g. KZ) or EU");
        }
        validator.ThrowIfInvalid();
        var products = (await store.QueryAllAsync(KnownProduct.Collection, DocumentQuery.All, ct)).Select(p => p.Id)
            .Where(p => string.IsNullOrEmpty(productId) || p == productId).ToList();
        var countries = (await store.QueryAllAsync(KnownCountry.Collection, DocumentQuery.All, ct)).Select(c => c.Id)
            .Where(c => string.IsNullOrEmpty(countryCode) || c == countryCode).ToList();
        var authorisations = await AllAsync(DocumentQuery.All
            .WhereKey("product_id", productId).WhereKey("jurisdiction", countryCode).WhereKey("pathway", pathway?.ToString()), ct);
        var today = Today;
        var cells = new List<MatrixView.Cell>();
        foreach (var cell in authorisations.GroupBy(a => (a.Value.ProductId, a.Value.Jurisdiction))
            .OrderBy(g => g.Key.ProductId, StringComparer.Ordinal).ThenBy(g => g.Key.Jurisdiction, StringComparer.Ordinal))
        {
            var usable = false;
            foreach (var entry in cell.Select(a => a.Value))
            {
                usable |= entry.AllowsUseInPrinciple && entry.IsInForceOn(today) && await ReferenceHoldsAsync(entry, today, ct);
            }
            cells.Add(new MatrixView.Cell(cell.Key.ProductId, cell.Key.Jurisdiction, [.. cell.Select(a => a.Value).OrderBy(a => a.Pathway)], usable));
        }
        return new MatrixView(products, countries, cells);
    }

    /// <summary>May the product be used for this patient, here, on this day? Every candidate says why or why not.</summary>
    public async Task<UsageView> CheckUsageAsync(string? productId, string? countryCode, int ageYears, string? indication, string? institutionId, DateParts? date, CancellationToken ct)
    {
        var question = UsageRules.Check(productId, countryCode, ageYears, indication, institutionId, date);
        var unknown = new Validator()
            .Check(await store.FindAsync(KnownProduct.Collection, question.ProductId, ct) is not null, "product_id", "is not a product the registry has announced")
            .Check(await store.FindAsync(KnownCountry.Collection, question.CountryCode, ct) is not null, "country_code", "is not a country the registry knows")
            .Check(await store.FindAsync(KnownInstitution.Collection, question.InstitutionId, ct) is not null, "institution_id", "is not an institution the registry knows");
        unknown.ThrowIfInvalid();
        var candidates = await AllAsync(DocumentQuery.All.WhereKey("product_id", question.ProductId).WhereKey("jurisdiction", question.CountryCode), ct);
        // The rules look references up synchronously: every one the candidates name, loaded first.
        var references = new Dictionary<string, AuthorisationTerms>(StringComparer.Ordinal);
        foreach (var referenceId in candidates.Select(c => c.Value.ReferenceAuthorisationId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (await store.FindAsync(Authorisation.Collection, referenceId, ct) is { } reference)
            {
                references[referenceId] = reference.Value.Terms;
            }
        }
        var byId = candidates.ToDictionary(c => c.Value.AuthorisationId, StringComparer.Ordinal);
        var verdicts = UsageRules.Verdicts(candidates.Select(c => c.Value.Terms), question, id => references.GetValueOrDefault(id))
            .Select(v => new UsageView.Verdict(byId[v.Candidate.AuthorisationId], v.Reasons));
        return new UsageView(question, [.. verdicts]);
    }

    /// <summary>Approved authorisations expiring within <paramref name="withinDays"/> days, in id order (as every list pages), one page at a time.</summary>
    public async Task<(IReadOnlyList<Stored<Authorisation>> Authorisations, string NextPageToken)> RenewalsDueAsync(int withinDays, string? jurisdiction,
        int pageSize, string? pageToken, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator);
        validator.Check(withinDays is >= 1 and <= 730, "within_days", "must be 1 to 730 days");
        if (!string.IsNullOrEmpty(jurisdiction))
        {
            validator.Check(Authorisation.IsJurisdiction(jurisdiction), "jurisdiction", "must be an ISO 3166-1 alpha-2 code in upper case (e.g. KZ) or EU");
        }
        validator.ThrowIfInvalid();
        var today = Today;
        var due = new List<Stored<Authorisation>>();
        foreach (var status in new[] { AuthorisationStatus.Approved, AuthorisationStatus.ConditionallyApproved })
        {
            due.AddRange(await AllAsync(DocumentQuery.All.WhereKey("status", status.ToString()).WhereKey("jurisdiction", jurisdiction), ct));
        }
        // Few authorisations are approved at once (products x countries): filtered and paged here, by id as every list is.
        var ordered = due.Where(a => a.Value.IsRenewalDue(today, withinDays) && (query.AfterId is null || string.CompareOrdinal(a.Id, query.AfterId) > 0))
            .OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        var page = ordered.Take(query.Limit).ToList();
        return (page, Paging.NextToken(new Page<Authorisation>(page, ordered.Count > page.Count ? page[^1].Id : null)));
    }

    /// <summary>The UTC day: when approvals expire and what the matrix and renewals count from.</summary>
    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>For "not in the future": an officer in Almaty recording today's decision at 02:00 local time must not be told it is tomorrow.</summary>
    private DateOnly LatestToday => CalendarDays.LatestToday(clock.GetUtcNow());

    /// <summary>A reliance allows use only while its reference decision does; other pathways have none to check.</summary>
    private async Task<bool> ReferenceHoldsAsync(Authorisation entry, DateOnly day, CancellationToken ct)
    {
        if (entry.ReferenceAuthorisationId is not { } referenceId)
        {
            return true;
        }
        var reference = (await store.FindAsync(Authorisation.Collection, referenceId, ct))?.Value;
        return reference is not null && reference.AllowsUseInPrinciple && reference.IsInForceOn(day);
    }

    private static string CheckChange(string authorisationId, long expectedRevision, string? reason)
    {
        var validator = new Validator()
            .Required(authorisationId, "authorisation_id")
            .CheckExpectedRevision(expectedRevision);
        var why = Authorisation.CheckReason(reason, required: true, validator);
        validator.ThrowIfInvalid();
        return why;
    }

    private static string CheckReason(string? reason, bool required)
    {
        var validator = new Validator();
        var why = Authorisation.CheckReason(reason, required, validator);
        validator.ThrowIfInvalid();
        return why;
    }

    /// <summary>Product, jurisdiction, institutions and reference must be ones the registry (or this register) knows: INVALID_ARGUMENT naming the field.</summary>
    private async Task CheckKnownAsync(Authorisation authorisation, CancellationToken ct)
    {
        var validator = new Validator()
            .Check(await store.FindAsync(KnownProduct.Collection, authorisation.ProductId, ct) is not null, "product_id", "is not a product the registry has announced")
            .Check(await store.FindAsync(KnownCountry.Collection, authorisation.Jurisdiction, ct) is not null, "jurisdiction", "is not a country the registry knows");
        for (var i = 0; i < authorisation.Scope.InstitutionIds.Count; i++)
        {
            var institution = await store.FindAsync(KnownInstitution.Collection, authorisation.Scope.InstitutionIds[i], ct);
            validator.Check(institution is not null && institution.Value.CountryCode == authorisation.Jurisdiction, $"scope.institution_ids[{i}]",
                $"is not an institution the registry knows in {authorisation.Jurisdiction}");
        }
        if (authorisation.ReferenceAuthorisationId is { } referenceId)
        {
            var reference = await store.FindAsync(Authorisation.Collection, referenceId, ct);
            validator.Check(reference is not null && reference.Value.Jurisdiction != authorisation.Jurisdiction && reference.Value.ProductId == authorisation.ProductId,
                "reference_authorisation_id", "must name a tracked authorisation of the same product in another jurisdiction");
        }
        validator.ThrowIfInvalid();
    }

    private async Task<Stored<Authorisation>> SaveAsync(Stored<Authorisation> current, Authorisation changed,
        Func<Stored<Authorisation>, IReadOnlyList<FieldChange>, DateTimeOffset, AuthorisationChange> change, CancellationToken ct)
    {
        var after = current with { Version = current.Version + 1, Value = changed };
        var now = clock.GetUtcNow();
        await store.CommitAsync(new ChangeSet()
            .Update(Authorisation.Collection, current, changed)
            .Insert(AuthorisationChange.Collection, AuthorisationChange.IdOf(after.Id, after.Version), change(after, Authorisation.Diff(current.Value, changed), now))
            .Raise(new AuthorisationChanged { Authorisation = ApprovalsMapping.ToContract(after) }, clock), ct);
        return after;
    }

    private Task<List<Stored<Authorisation>>> AllAsync(DocumentQuery query, CancellationToken ct) => store.QueryAllAsync(Authorisation.Collection, query, ct);
}

/// <summary>The matrix as the use case computes it.</summary>
public sealed record MatrixView(IReadOnlyList<string> ProductIds, IReadOnlyList<string> CountryCodes, IReadOnlyList<MatrixView.Cell> Cells)
{
    public sealed record Cell(string ProductId, string CountryCode, IReadOnlyList<Authorisation> Entries, bool UsableToday);
}

/// <summary>The usage question's answer: each candidate with the reasons it does not allow the use (none for one that does).</summary>
public sealed record UsageView(UsageQuestion Question, IReadOnlyList<UsageView.Verdict> Verdicts)
{
    public sealed record Verdict(Stored<Authorisation> Candidate, IReadOnlyList<string> Reasons)
    {
        public bool Allows => Reasons.Count == 0;
    }

    public Verdict? AllowedBy => Verdicts.FirstOrDefault(v => v.Allows);
}
