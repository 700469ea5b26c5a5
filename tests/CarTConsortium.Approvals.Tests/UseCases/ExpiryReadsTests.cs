using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.Approvals.UseCases.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Approvals.Tests.UseCases;

/// <summary>
/// The expiry job reads only what is due: after its first round, only the authorisations whose last day falls
/// in the days since the last complete round (the <c>expiry_day</c> key), never everything of a status; and it
/// expires exactly what a recomputation over every stored authorisation says is due.
/// </summary>
public sealed class ExpiryReadsTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Pathway[] Pathways = [Pathway.MarketingAuthorisation, Pathway.Conditional, Pathway.BreakthroughDesignation, Pathway.CompassionateUse];

    private readonly ApprovalsHarness _harness = new();
    private readonly Random _random = new(1717);
    private readonly ReadCountingStore _store;
    private readonly ExpireDueAuthorisations _expire;
    private int _stored;

    public ExpiryReadsTests()
    {
        _store = new ReadCountingStore(_harness.Store);
        _expire = new ExpireDueAuthorisations(_store, _harness.Clock);
    }

    private DateOnly Today => DateOnly.FromDateTime(_harness.Clock.GetUtcNow().UtcDateTime);

    [Fact]
    public async Task Rounds_after_the_first_read_only_the_due_authorisations_and_expire_exactly_them()
    {
        await StoreRandomAsync(80, firstLastDay: -30, lastLastDay: 90);
        var dueFirst = Due(await AllAsync());
        Assert.Equal(dueFirst.Count, await _expire.ExecuteAsync(None));
        Assert.Empty(Due(await AllAsync()));

        var expiredInRounds = 0;
        for (var round = 0; round < 12; round++)
        {
            // New approvals arrive between rounds, due later, and days pass.
            await StoreRandomAsync(5, firstLastDay: 0, lastLastDay: 40);
            _harness.Clock.Advance(TimeSpan.FromDays(_random.Next(1, 6)));
            var all = await AllAsync();
            var due = Due(all);
            _store.Reset();

            Assert.Equal(due.Count, await _expire.ExecuteAsync(None));

            // Read: exactly the due ones (each once), not the others of their status that are waiting to expire.
            Assert.Equal(due.Count, _store.ReadOf(ApprovalsCollections.Authorisations));
            Assert.All(_store.QueriesOf(ApprovalsCollections.Authorisations), q => Assert.Equal([AuthorisationKeys.ExpiryDay], q.Where.Keys));
            var after = await AllAsync();
            Assert.Empty(Due(after));
            Assert.Equal(due.Select(a => a.Id).Order(StringComparer.Ordinal),
                after.Where(a => a.Value.Status == AuthorisationStatus.Expired && all.Single(b => b.Id == a.Id).Value.Status != AuthorisationStatus.Expired)
                    .Select(a => a.Id).Order(StringComparer.Ordinal));
            expiredInRounds += due.Count;
        }
        // The data gave the rounds something to do, and something waiting not to read.
        Assert.InRange(expiredInRounds, 5, 60);
        Assert.Contains(await AllAsync(), a => a.Value.ExpiresOn > Today && AuthorisationKeys.ExpiryDayOf(a.Value) is not null);
    }

    [Fact]
    public async Task A_first_round_and_one_after_a_long_pause_read_by_status_and_miss_nothing()
    {
        await StoreRandomAsync(30, firstLastDay: -10, lastLastDay: 200);
        await _expire.ExecuteAsync(None);
        _harness.Clock.Advance(TimeSpan.FromDays(ExpirySweep.MaxDaysToRead + 10));
        var due = Due(await AllAsync());
        _store.Reset();

        Assert.Equal(due.Count, await _expire.ExecuteAsync(None));
        Assert.All(_store.QueriesOf(ApprovalsCollections.Authorisations), q => Assert.Equal([AuthorisationKeys.Status], q.Where.Keys));
        Assert.NotEmpty(due);
        Assert.Empty(Due(await AllAsync()));
    }

    [Fact]
    public void The_days_read_run_from_the_day_before_the_mark_to_yesterday()
    {
        var today = new DateOnly(2026, 3, 10);
        Assert.Null(ExpirySweep.LastDaysToRead(null, today));
        Assert.Null(ExpirySweep.LastDaysToRead(today.AddDays(-ExpirySweep.MaxDaysToRead - 1), today));
        Assert.Equal([today.AddDays(-4), today.AddDays(-3), today.AddDays(-2), today.AddDays(-1)], ExpirySweep.LastDaysToRead(today.AddDays(-3), today));
        Assert.Equal([today.AddDays(-1)], ExpirySweep.LastDaysToRead(today, today));
        // A clock set back: yesterday only.
        Assert.Equal([today.AddDays(-1)], ExpirySweep.LastDaysToRead(today.AddDays(5), today));
    }

    private List<Stored<Authorisation>> Due(List<Stored<Authorisation>> all) => [.. all.Where(a => a.Value.IsDueToExpire(Today))];

    private Task<List<Stored<Authorisation>>> AllAsync() =>
        _harness.Store.QueryAllAsync(ApprovalsCollections.Authorisations, DocumentQuery.All, None);

    /// <summary>Authorisations of random statuses, last days between the two offsets from today (some without one).</summary>
    private async Task StoreRandomAsync(int count, int firstLastDay, int lastLastDay)
    {
        var changes = new ChangeSet();
        var decided = Today.AddDays(-65);
        for (var i = 0; i < count; i++)
        {
            var product = $"product-{_stored++:D3}";
            var recorded = Authorisation.Record(product, "KZ", Authority.National, Pathways[_random.Next(Pathways.Length)],
                new ScopeInput("r/r B-ALL", 0, 25, []), null, _harness.Clock.GetUtcNow().AddDays(-120));
            var reviewed = recorded.ChangeStatus(AuthorisationStatus.Submitted, DateParts.Of(Today.AddDays(-100)), null, null, null, decided)
                .ChangeStatus(AuthorisationStatus.UnderReview, null, null, null, null, decided);
            DateOnly? lastDay = _random.Next(6) == 0 ? null : Today.AddDays(_random.Next(firstLastDay, lastLastDay + 1));
            var approved = (AuthorisationStatus status) => reviewed.ChangeStatus(status, null, DateParts.Of(Today.AddDays(-70)),
                DateParts.Of(Today.AddDays(-60)), lastDay is { } day ? DateParts.Of(day) : null, decided);
            var authorisation = _random.Next(5) switch
            {
                0 => reviewed,
                1 => approved(AuthorisationStatus.ConditionallyApproved),
                2 => approved(AuthorisationStatus.Approved).ChangeStatus(AuthorisationStatus.Suspended, null, null, null, null, decided),
                _ => approved(AuthorisationStatus.Approved),
            };
            changes.Insert(ApprovalsCollections.Authorisations, authorisation.AuthorisationId, authorisation);
        }
        await _harness.Store.CommitAsync(changes, None);
    }

    public void Dispose() => _harness.Dispose();
}
