using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Jobs;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.Approvals.UseCases.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Leases;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;
using Authorisation = CarTConsortium.Approvals.Domain.Authorisations.Authorisation;
using AuthorisationStatus = CarTConsortium.Approvals.Authorisations.AuthorisationStatus;
using Authority = CarTConsortium.Approvals.Authorisations.Authority;
using Pathway = CarTConsortium.Approvals.Authorisations.Pathway;

namespace CarTConsortium.Approvals.Tests.UseCases;

/// <summary>The authorisation use cases on a real SQLite file, with products, countries and institutions projected from registry events.</summary>
public sealed class AuthorisationUseCaseTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Caller Admin = Callers.Admin;
    private static readonly Caller KzOfficer = Callers.Of(Roles.RegulatoryOfficer, "KZ", "kz-ministry-of-health");
    private static readonly Caller UzOfficer = Callers.Of(Roles.RegulatoryOfficer, "UZ", "uz-ministry-of-health");
    private static readonly ScopeInput Children = new("r/r B-ALL", 0, 25, []);

    private readonly ApprovalsHarness _harness = new();
    private readonly RecordAuthorisation _record;
    private readonly ChangeAuthorisationStatus _changeStatus;
    private readonly AmendAuthorisation _amend;
    private readonly ExpireDueAuthorisations _expire;
    private readonly GetAuthorisation _get;
    private readonly ListAuthorisations _list;
    private readonly GetAuthorisationHistory _history;
    private readonly GetAuthorisationMatrix _matrix;
    private readonly CheckUsage _checkUsage;
    private readonly ListRenewalsDue _renewalsDue;

    public AuthorisationUseCaseTests()
    {
        _record = new RecordAuthorisation(_harness.Store, _harness.Clock);
        _changeStatus = new ChangeAuthorisationStatus(_harness.Store, _harness.Clock);
        _amend = new AmendAuthorisation(_harness.Store, _harness.Clock);
        _expire = new ExpireDueAuthorisations(_harness.Store, _harness.Clock);
        _get = new GetAuthorisation(_harness.Store);
        _list = new ListAuthorisations(_harness.Store);
        _history = new GetAuthorisationHistory(_harness.Store);
        _matrix = new GetAuthorisationMatrix(_harness.Store, _harness.Clock);
        _checkUsage = new CheckUsage(_harness.Store);
        _renewalsDue = new ListRenewalsDue(_harness.Store, _harness.Clock);
    }

    private DateOnly Today => DateOnly.FromDateTime(_harness.Clock.GetUtcNow().UtcDateTime);

    public async ValueTask InitializeAsync()
    {
        await _harness.AnnounceAsync("tisagenlecleucel", "Kymriah");
        await _harness.AnnounceAsync("ncb-cd19-academic", "Academic CD19 CAR-T");
        foreach (var (code, member) in new[] { ("KZ", true), ("UZ", true), ("EU", false), ("US", false) })
        {
            await _harness.AdmitAsync(code, member);
        }
        await _harness.InstitutionAsync("kz-astana-childrens", "KZ");
        await _harness.InstitutionAsync("uz-ncmc-tashkent", "UZ");
        await _harness.InstitutionAsync("kz-almaty-oncology", "KZ");
    }

    // Here, not in a Dispose: xunit v3 never calls Dispose on a class that has DisposeAsync.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Every_change_is_kept_in_order_with_who_when_what_and_why_and_published_with_the_whole_authorisation()
    {
        var a = await Record(KzOfficer, "tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation, reason: "dossier in preparation");
        a = await Step(KzOfficer, a, AuthorisationStatus.Submitted, "filed", submitted: Today.AddDays(-60));
        a = await Step(KzOfficer, a, AuthorisationStatus.UnderReview, "validated");
        _harness.Clock.Advance(TimeSpan.FromMinutes(5));
        a = await Step(Admin, a, AuthorisationStatus.Approved, "approved by the expert committee", decided: Today.AddDays(-1), expires: Today.AddDays(365));
        a = await Step(KzOfficer, a, AuthorisationStatus.Suspended, "GMP inspection finding");
        a = await Step(KzOfficer, a, AuthorisationStatus.Approved, "finding closed");
        a = await _amend.ExecuteAsync(new(a.Id, a.Version, "renewed for five years", Children, DateParts.Of(Today.AddDays(5 * 365)), false), KzOfficer, None);

        var (history, _) = await _history.ExecuteAsync(new(a.Id, 0, null), None);

        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], history.Select(h => h.Value.Revision));
        Assert.Equal(["RECORDED", "STATUS_CHANGED", "STATUS_CHANGED", "STATUS_CHANGED", "STATUS_CHANGED", "STATUS_CHANGED", "AMENDED"], history.Select(h => h.Value.Action));
        Assert.Equal(["dossier in preparation", "filed", "validated", "approved by the expert committee", "GMP inspection finding", "finding closed", "renewed for five years"],
            history.Select(h => h.Value.Reason));
        Assert.Equal(KzOfficer.Subject, history[0].Value.Subject);
        Assert.Equal((Admin.Subject, Admin.ClientId, (string?)null), (history[3].Value.Subject, history[3].Value.ClientId, history[3].Value.CountryCode));
        Assert.Equal(_harness.Clock.GetUtcNow(), history[3].Value.ChangedAt);
        Assert.Contains(history[3].Value.Changes, c => c is { Field: "status", Before: "AUTHORISATION_STATUS_UNDER_REVIEW", After: "AUTHORISATION_STATUS_APPROVED" });
        Assert.Contains(history[4].Value.Changes, c => c is { Field: "status", After: "AUTHORISATION_STATUS_SUSPENDED" });
        Assert.Contains(history[6].Value.Changes, c => c.Field == "expires_on");
        // One event per change, each carrying the whole authorisation as it became.
        var events = await Events();
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], events.Select(e => e.Revision.Version));
        Assert.Equal((a.Id, Contracts.Approvals.V1.AuthorisationStatus.Approved, 5 * 365),
            (events[^1].AuthorisationId, events[^1].Status, events[^1].ExpiresOn.ToDateTime().Subtract(Today.ToDateTime(TimeOnly.MinValue)).Days));
        Assert.Equal("r/r B-ALL", events[^1].Scope.Indication);
    }

    [Fact]
    public async Task An_illegal_step_is_failed_precondition_and_changes_nothing()
    {
        var planned = await Record(KzOfficer, "tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation);

        await Assert.ThrowsAsync<RuleViolationException>(() => Step(KzOfficer, planned, AuthorisationStatus.Approved, "too early", decided: Today));

        Assert.Equal(1, (await _get.ExecuteAsync(new(planned.Id), None)).Version);
        Assert.Single((await _history.ExecuteAsync(new(planned.Id, 0, null), None)).Entries);
        Assert.Single(await Events());
    }

    [Fact]
    public async Task An_amendment_that_changes_nothing_writes_and_publishes_nothing()
    {
        var planned = await Record(KzOfficer, "tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation);

        var same = await _amend.ExecuteAsync(new(planned.Id, planned.Version, "no change", Children, null, false), KzOfficer, None);

        Assert.Equal(1, same.Version);
        Assert.Single(await Events());
    }

    [Fact]
    public async Task Of_concurrent_edits_from_one_revision_exactly_one_wins_and_the_others_are_aborted()
    {
        var planned = await Record(KzOfficer, "tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 8).Select(age => Task.Run(async () =>
        {
            try
            {
                await _amend.ExecuteAsync(new(planned.Id, planned.Version, "label", Children with { MaxAgeYears = 10 + age }, null, false), KzOfficer, None);
                return "won";
            }
            catch (ConcurrencyConflictException)
            {
                return "aborted";
            }
        })));

        Assert.Equal(1, outcomes.Count(o => o == "won"));
        Assert.Equal(2, (await _get.ExecuteAsync(new(planned.Id), None)).Version);
        Assert.Equal(2, (await Events()).Count);
        Assert.Equal(2, (await _history.ExecuteAsync(new(planned.Id, 0, null), None)).Entries.Count);
    }

    [Fact]
    public async Task Unknown_product_country_institution_or_reference_is_invalid_argument_naming_the_field()
    {
        async Task<string> FieldOf(Func<Task> call) => Assert.Single((await Assert.ThrowsAsync<InvalidArgumentException>(call)).Violations).Field;

        Assert.Equal("product_id", await FieldOf(() => Record(Admin, "unknown-product", "KZ", Pathway.MarketingAuthorisation)));
        Assert.Equal("jurisdiction", await FieldOf(() => Record(Admin, "tisagenlecleucel", "TJ", Pathway.MarketingAuthorisation)));
        Assert.Equal("scope.institution_ids[0]", await FieldOf(() =>
            _record.ExecuteAsync(new("ncb-cd19-academic", "KZ", Authority.National, Pathway.HospitalExemption, Children with { InstitutionIds = ["uz-ncmc-tashkent"] }, null, null), Admin, None)));
        Assert.Equal("reference_authorisation_id", await FieldOf(() =>
            _record.ExecuteAsync(new("tisagenlecleucel", "KZ", Authority.National, Pathway.Reliance, Children, "tisagenlecleucel.EU.MarketingAuthorisation", null), Admin, None)));
        Assert.Equal("scope.max_age_years", await FieldOf(() =>
            _record.ExecuteAsync(new("tisagenlecleucel", "KZ", Authority.National, Pathway.MarketingAuthorisation, Children with { MinAgeYears = 18, MaxAgeYears = 3 }, null, null), Admin, None)));
        Assert.Empty((await _harness.Store.QueryAsync(ApprovalsCollections.Authorisations, DocumentQuery.All, None)).Items);
        Assert.Empty(await Events());
    }

    [Fact]
    public async Task Dates_out_of_order_are_invalid_argument_and_change_nothing()
    {
        var a = await Record(Admin, "tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation);
        a = await Step(Admin, a, AuthorisationStatus.Submitted, "filed", submitted: Today.AddDays(-10));
        a = await Step(Admin, a, AuthorisationStatus.UnderReview, "validated");

        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => Step(Admin, a, AuthorisationStatus.Approved, "approve",
            decided: Today.AddDays(-1), expires: Today.AddDays(-2)));

        Assert.Equal("expires_on", Assert.Single(error.Violations).Field);
        Assert.Equal(AuthorisationStatus.UnderReview, (await _get.ExecuteAsync(new(a.Id), None)).Value.Status);
    }

    [Fact]
    public async Task A_regulatory_officer_writes_for_their_own_country_only()
    {
        await Assert.ThrowsAsync<PermissionDeniedException>(() => Record(UzOfficer, "tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation));
        var kz = await Record(KzOfficer, "tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation);
        await Assert.ThrowsAsync<PermissionDeniedException>(() => Step(UzOfficer, kz, AuthorisationStatus.Submitted, "not mine", submitted: Today));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _amend.ExecuteAsync(new(kz.Id, kz.Version, "not mine", Children with { MaxAgeYears = 21 }, null, false), UzOfficer, None));

        Assert.Equal(1, (await _get.ExecuteAsync(new(kz.Id), None)).Version);
        Assert.Single(await Events());
    }

    [Fact]
    public async Task The_expiry_job_expires_an_approval_the_day_after_its_last_day_on_the_apps_clock()
    {
        var a = await Approved("tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation, expires: Today.AddDays(1));
        var job = new AuthorisationExpiryJob(new ScopeFactory(_expire, _harness.Leases), _harness.Clock, Options.Create(new ApprovalsOptions { ExpiryCheckInterval = TimeSpan.FromHours(1) }),
            NullLogger<AuthorisationExpiryJob>.Instance);

        await job.StartAsync(None);
        _harness.Clock.Advance(TimeSpan.FromDays(1));
        // Its last day: nothing to expire yet, however often the job runs.
        Assert.Equal(0, await job.RunOnceAsync(None));
        Assert.Equal(AuthorisationStatus.Approved, (await _get.ExecuteAsync(new(a.Id), None)).Value.Status);
        _harness.Clock.Advance(TimeSpan.FromDays(1));
        try
        {
            // The day's jump outlives the job's lease too; its retake waits on the same clock, which a real clock always moves:
            // ten seconds a look (at most about two hours, still the day after) so the job is not stuck on a frozen test clock.
            await Eventually.HoldsAsync(async () =>
            {
                _harness.Clock.Advance(TimeSpan.FromSeconds(10));
                return (await _get.ExecuteAsync(new(a.Id), None)).Value.Status == AuthorisationStatus.Expired;
            }, "the job expired the approval the day after its last day");
        }
        finally
        {
            await job.StopAsync(None);
        }

        var last = (await _history.ExecuteAsync(new(a.Id, 0, null), None)).Entries[^1].Value;
        Assert.Equal(("EXPIRED", "system"), (last.Action, last.Subject));
        Assert.Equal(AuthorisationStatus.Expired, (Authorisations.AuthorisationStatus)(int)(await Events())[^1].Status);
        Assert.Equal(0, await _expire.ExecuteAsync(None));
    }

    [Fact]
    public async Task The_matrix_the_usage_question_and_renewals_due_read_the_current_state()
    {
        var ema = await Approved("tisagenlecleucel", "EU", Pathway.MarketingAuthorisation, expires: null, authority: Authority.Ema);
        var kz = await Approved("tisagenlecleucel", "KZ", Pathway.Reliance, expires: Today.AddDays(20), reference: ema.Id);
        await Approved("ncb-cd19-academic", "KZ", Pathway.HospitalExemption, expires: Today.AddDays(40), institutions: ["kz-astana-childrens"]);
        await Record(Admin, "tisagenlecleucel", "UZ", Pathway.Reliance, reference: ema.Id);

        var matrix = (await _matrix.ExecuteAsync(new(null, null, null), None)).Matrix;
        var usage = await _checkUsage.ExecuteAsync(new("tisagenlecleucel", "KZ", 10, " R/R b-all ", "kz-astana-childrens", DateParts.Of(Today)), None);
        var tooOld = await _checkUsage.ExecuteAsync(new("tisagenlecleucel", "KZ", 26, "r/r B-ALL", "kz-astana-childrens", DateParts.Of(Today)), None);
        var elsewhere = await _checkUsage.ExecuteAsync(new("ncb-cd19-academic", "KZ", 10, "r/r B-ALL", "kz-almaty-oncology", DateParts.Of(Today)), None);
        var due = await _renewalsDue.ExecuteAsync(new(30, null, 0, null), None);

        Assert.Equal(["EU", "KZ", "US", "UZ"], matrix.CountryCodes.Order(StringComparer.Ordinal));
        Assert.True(Assert.Single(matrix.Cells, c => c is { ProductId: "tisagenlecleucel", CountryCode: "KZ" }).UsableToday);
        Assert.False(Assert.Single(matrix.Cells, c => c is { ProductId: "tisagenlecleucel", CountryCode: "UZ" }).UsableToday);
        Assert.Equal(kz.Id, usage.AllowedBy?.Candidate.Id);
        Assert.Null(tooOld.AllowedBy);
        Assert.NotEmpty(Assert.Single(tooOld.Verdicts).Reasons);
        Assert.Null(elsewhere.AllowedBy);
        Assert.Equal([kz.Id], due.Authorisations.Select(a => a.Id));
        Assert.Equal("country_code", Assert.Single((await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _checkUsage.ExecuteAsync(new("tisagenlecleucel", "TJ", 10, "r/r B-ALL", "kz-astana-childrens", DateParts.Of(Today)), None))).Violations).Field);
    }

    [Fact]
    public async Task An_amendment_keeps_what_it_leaves_empty_and_drops_the_expiry_only_when_told()
    {
        var a = await Approved("tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation, expires: Today.AddDays(300));

        var relabelled = await _amend.ExecuteAsync(new(a.Id, a.Version, "label now from age 1", Children with { MinAgeYears = 1 }, null, false), KzOfficer, None);
        var renewed = await _amend.ExecuteAsync(new(a.Id, relabelled.Version, "renewed", null, DateParts.Of(Today.AddDays(900)), false), KzOfficer, None);
        var perpetual = await _amend.ExecuteAsync(new(a.Id, renewed.Version, "no longer time-limited", null, null, true), KzOfficer, None);

        Assert.Equal((1, Today.AddDays(300)), (relabelled.Value.Scope.MinAgeYears, relabelled.Value.ExpiresOn));
        Assert.Equal((1, Today.AddDays(900)), (renewed.Value.Scope.MinAgeYears, renewed.Value.ExpiresOn));
        Assert.Null(perpetual.Value.ExpiresOn);
        Assert.Equal("expires_on", Assert.Single((await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _amend.ExecuteAsync(new(a.Id, perpetual.Version, "both", null, DateParts.Of(Today), true), KzOfficer, None))).Violations).Field);
    }

    [Fact]
    public async Task A_reliance_is_usable_in_the_matrix_only_while_its_reference_decision_holds()
    {
        var ema = await Approved("tisagenlecleucel", "EU", Pathway.MarketingAuthorisation, expires: null, authority: Authority.Ema);
        await Approved("tisagenlecleucel", "KZ", Pathway.Reliance, expires: null, reference: ema.Id);
        await Step(Admin, ema, AuthorisationStatus.Suspended, "EMA suspension");

        var matrix = (await _matrix.ExecuteAsync(new("tisagenlecleucel", "KZ", null), None)).Matrix;
        var usage = await _checkUsage.ExecuteAsync(new("tisagenlecleucel", "KZ", 10, "r/r B-ALL", "kz-astana-childrens", DateParts.Of(Today)), None);

        Assert.False(Assert.Single(matrix.Cells).UsableToday);
        Assert.Null(usage.AllowedBy);
    }

    [Fact]
    public async Task A_triple_is_tracked_once_an_unknown_id_is_not_found_and_lists_filter_and_page()
    {
        await Record(Admin, "tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation);
        await Record(Admin, "tisagenlecleucel", "UZ", Pathway.MarketingAuthorisation);
        await Record(Admin, "ncb-cd19-academic", "KZ", Pathway.CompassionateUse);

        await Assert.ThrowsAsync<DocumentExistsException>(() => Record(KzOfficer, "tisagenlecleucel", "KZ", Pathway.MarketingAuthorisation));
        await Assert.ThrowsAsync<NotFoundException>(() => _get.ExecuteAsync(new("tisagenlecleucel.KG.MarketingAuthorisation"), None));
        var first = await _list.ExecuteAsync(new(2, null, null, null, null, null), None);
        var second = await _list.ExecuteAsync(new(2, first.NextPageToken, null, null, null, null), None);
        var kz = await _list.ExecuteAsync(new(0, null, null, "KZ", null, null), None);
        var compassionate = await _list.ExecuteAsync(new(0, null, null, null, Pathway.CompassionateUse, AuthorisationStatus.Planned), None);
        var matrix = (await _matrix.ExecuteAsync(new(null, "KZ", Pathway.CompassionateUse), None)).Matrix;

        Assert.Equal(3, first.Authorisations.Concat(second.Authorisations).Select(a => a.Id).Distinct().Count());
        Assert.Equal("", second.NextPageToken);
        Assert.Equal(["ncb-cd19-academic.KZ.CompassionateUse", "tisagenlecleucel.KZ.MarketingAuthorisation"], kz.Authorisations.Select(a => a.Id));
        Assert.Equal(["ncb-cd19-academic.KZ.CompassionateUse"], compassionate.Authorisations.Select(a => a.Id));
        Assert.Equal(["ncb-cd19-academic"], matrix.Cells.Select(c => c.ProductId));
        Assert.Equal(["KZ"], matrix.CountryCodes);
        Assert.Equal("institution_id", Assert.Single((await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _checkUsage.ExecuteAsync(new("tisagenlecleucel", "KZ", 10, "r/r B-ALL", "kz-nowhere", DateParts.Of(Today)), None))).Violations).Field);
    }

    [Fact]
    public async Task A_filter_value_the_service_does_not_know_is_invalid_argument_on_its_field()
    {
        async Task<string> FieldOf(Func<Task> call) => Assert.Single((await Assert.ThrowsAsync<InvalidArgumentException>(call)).Violations).Field;

        Assert.Equal("pathway", await FieldOf(() => _list.ExecuteAsync(new(Pathway: (Pathway)99), None)));
        Assert.Equal("status", await FieldOf(() => _list.ExecuteAsync(new(Status: (AuthorisationStatus)99), None)));
        // The pathway is reported first, alone, as before anything else is checked.
        Assert.Equal("pathway", await FieldOf(() => _list.ExecuteAsync(new(PageSize: -1, Pathway: (Pathway)99, Status: (AuthorisationStatus)99), None)));
        Assert.Equal("pathway", await FieldOf(() => _matrix.ExecuteAsync(new(ProductId: "Not A Slug", Pathway: (Pathway)99), None)));
    }

    private Task<Stored<Authorisation>> Record(Caller caller, string product, string jurisdiction, Pathway pathway, string? reference = null, string? reason = null) =>
        _record.ExecuteAsync(new(product, jurisdiction, jurisdiction == "EU" ? Authority.Ema : Authority.National, pathway, Children, reference, reason), caller, None);

    private Task<Stored<Authorisation>> Step(Caller caller, Stored<Authorisation> current, AuthorisationStatus target, string reason,
        DateOnly? submitted = null, DateOnly? decided = null, DateOnly? expires = null) =>
        _changeStatus.ExecuteAsync(new(current.Id, target, current.Version, reason, Parts(submitted), Parts(decided), null, Parts(expires)), caller, None);

    private async Task<Stored<Authorisation>> Approved(string product, string jurisdiction, Pathway pathway, DateOnly? expires, Authority authority = Authority.National,
        string? reference = null, IReadOnlyList<string>? institutions = null)
    {
        var a = await _record.ExecuteAsync(new(product, jurisdiction, authority, pathway, Children with { InstitutionIds = institutions ?? [] }, reference, null), Admin, None);
        a = await Step(Admin, a, AuthorisationStatus.Submitted, "filed", submitted: Today.AddDays(-100));
        a = await Step(Admin, a, AuthorisationStatus.UnderReview, "validated");
        return await Step(Admin, a, AuthorisationStatus.Approved, "approved", decided: Today.AddDays(-50), expires: expires);
    }

    private static DateParts? Parts(DateOnly? day) => day is { } d ? DateParts.Of(d) : null;

    private async Task<List<Contracts.Approvals.V1.Authorisation>> Events() =>
        [.. (await _harness.Store.ReadPendingAsync(1000, None)).Where(m => m.Topic == "consortium.approvals.v1.AuthorisationChanged")
            .Select(m => AuthorisationChanged.Parser.ParseJson(m.Payload).Authorisation)];

    /// <summary>Scopes that hand out this test's expiry use case, as the host's container would.</summary>
    private sealed class ScopeFactory(ExpireDueAuthorisations expire, LeasedWork leases) : IServiceScopeFactory, IServiceScope, IServiceProvider, IAsyncDisposable
    {
        public IServiceScope CreateScope() => this;

        public IServiceProvider ServiceProvider => this;

        public object? GetService(Type serviceType) =>
            serviceType == typeof(ExpireDueAuthorisations) ? expire : serviceType == typeof(LeasedWork) ? leases : null;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
