using System.Collections.Concurrent;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Procurement.UseCases.PurchaseOrders;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.ProcurementHarness;
using Contract = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>
/// Amendments and withdrawals racing the close, and closes racing each other. Whatever the
/// interleaving, a call that returned is in the settled outcome, a call that was refused was
/// refused as FAILED_PRECONDITION, nothing accepted is lost, and a pool closes once. Each race
/// runs many times over, the close starting after a different number of accepted changes.
/// </summary>
public sealed class ClosingRaceTests : IAsyncLifetime
{
    private const int Iterations = 20;
    private const int CallsPerCountry = 8;
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly string[] Amending = ["KG", "KZ", "UZ"];
    private const string Rejoining = "TJ";

    private readonly ProcurementHarness _harness = new();

    public async ValueTask InitializeAsync()
    {
        await _harness.RegisterSampleItemAsync();
        await _harness.InstitutionsOfAsync([.. Amending, Rejoining]);
    }

    // xunit v3 calls DisposeAsync alone on a class that has it, so the harness (and its folder) goes here.
    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Amendments_and_withdrawals_racing_an_early_close_are_settled_as_last_accepted_or_refused_as_failed_precondition()
    {
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            await RaceTheCloseAsync(iteration, async poolId =>
            {
                await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(poolId, "the consortium closes early"), Callers.Admin, None);
            });
        }
    }

    [Fact]
    public async Task Amendments_and_withdrawals_racing_the_closing_time_are_settled_as_last_accepted_or_refused_as_failed_precondition()
    {
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            await RaceTheCloseAsync(iteration, async poolId =>
            {
                _harness.Clock.SetUtcNow((await _harness.GetAsync(poolId)).Value.ClosesAt);
                Assert.Equal(1, await _harness.CloseDuePools.ExecuteAsync(None));
            });
        }
    }

    [Fact]
    public async Task An_early_close_racing_the_closing_job_closes_the_pool_once()
    {
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var pool = await OpenWithCommitmentsAsync();
            _harness.Clock.SetUtcNow(pool.Value.ClosesAt);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var early = Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, "closing now"), Callers.Admin, None);
                    return true;
                }
                catch (RuleViolationException)
                {
                    return false;
                }
            });
            var due = Task.Run(async () =>
            {
                await start.Task;
                return await _harness.CloseDuePools.ExecuteAsync(None);
            });
            start.SetResult();

            var (closedEarly, closedWhenDue) = (await early, await due);

            Assert.Equal(1, (closedEarly ? 1 : 0) + closedWhenDue);
            var closed = await _harness.GetAsync(pool.Id);
            Assert.Equal(PoolStatus.Settled, closed.Value.Status);
            Assert.Equal(closedEarly ? Callers.Admin.Subject : Pool.ClosingJob, closed.Value.ClosedBy);
            await AssertClosedOnceAsync(pool.Id);
        }
    }

    [Fact]
    public async Task Of_two_early_closes_at_once_one_closes_and_the_other_is_failed_precondition()
    {
        for (var iteration = 0; iteration < Iterations / 2; iteration++)
        {
            var pool = await OpenWithCommitmentsAsync();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var closes = Enumerable.Range(1, 2).Select(i => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await _harness.ClosePool.ExecuteAsync(new ClosePoolCommand(pool.Id, $"close {i}"), Callers.Admin, None);
                    return (Exception?)null;
                }
                catch (Exception e)
                {
                    return e;
                }
            })).ToArray();
            start.SetResult();

            var outcomes = await Task.WhenAll(closes);

            Assert.Single(outcomes, o => o is null);
            Assert.IsType<RuleViolationException>(Assert.Single(outcomes, o => o is not null));
            await AssertClosedOnceAsync(pool.Id);
        }
    }

    /// <summary>
    /// One race: each amending country amends its own commitment again and again with the revision it
    /// last got, one country withdraws and commits again in turn, and <paramref name="close"/> starts
    /// once a number of changes (varying with <paramref name="iteration"/>) have been accepted.
    /// </summary>
    private async Task RaceTheCloseAsync(int iteration, Func<string, Task> close)
    {
        var pool = await OpenWithCommitmentsAsync();
        Assert.Equal([2L, 3L, 4L, 5L], Amending.Append(Rejoining).Select(c => pool.Value.CommitmentOf(c)!.Revision));
        _harness.Clock.SetUtcNow(pool.Value.ClosesAt.AddTicks(-1));
        var closeAfter = new Random(iteration).Next(0, (Amending.Length + 1) * CallsPerCountry / 2);
        var accepted = 0;
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new ConcurrentDictionary<string, List<Call>>(StringComparer.Ordinal);
        void Accepted()
        {
            if (Interlocked.Increment(ref accepted) == closeAfter)
            {
                reached.TrySetResult();
            }
        }
        if (closeAfter == 0)
        {
            reached.TrySetResult();
        }

        var amenders = Amending.Select(country => Task.Run(async () =>
        {
            var log = calls[country] = [];
            var revision = pool.Value.CommitmentOf(country)!.Revision;
            for (var k = 1; k <= CallsPerCountry; k++)
            {
                var quantity = 100 + 10 * k;
                var outcome = await Attempt(() => _harness.CommitAsync(pool.Id, country, quantity, 600m, expectedRevision: revision));
                log.Add(new Call("amend", quantity, outcome.Pool?.Value.CommitmentOf(country)?.Revision, outcome.Error));
                if (outcome.Pool is { } amended)
                {
                    revision = amended.Value.CommitmentOf(country)!.Revision;
                    Accepted();
                }
            }
        }));
        var rejoiner = Task.Run(async () =>
        {
            var log = calls[Rejoining] = [];
            long? revision = pool.Value.CommitmentOf(Rejoining)!.Revision;
            for (var k = 1; k <= CallsPerCountry; k++)
            {
                var current = revision;
                var quantity = 50 + k;
                var outcome = current is { } r
                    ? await Attempt(() => _harness.WithdrawCommitment.ExecuteAsync(new WithdrawCommitmentCommand(pool.Id, Rejoining, r), Officer(Rejoining), None))
                    : await Attempt(() => _harness.CommitAsync(pool.Id, Rejoining, quantity, 600m));
                log.Add(new Call(current is null ? "commit" : "withdraw", quantity, outcome.Pool?.Value.CommitmentOf(Rejoining)?.Revision, outcome.Error));
                if (outcome.Pool is { } changed)
                {
                    revision = changed.Value.CommitmentOf(Rejoining)?.Revision;
                    Accepted();
                }
            }
        });
        var changers = Task.WhenAll([.. amenders, rejoiner]);
        var closer = Task.Run(async () =>
        {
            await Task.WhenAny(reached.Task, changers);
            await close(pool.Id);
        });
        await Task.WhenAll(changers, closer);

        var settled = await _harness.GetAsync(pool.Id);
        Assert.Equal(PoolStatus.Settled, settled.Value.Status);
        var orders = (await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, pool.Id, null), Callers.Admin, None)).Orders.Select(o => o.Value).ToArray();
        Assert.Equal(Amending.Length + 1, calls.Count);
        foreach (var (country, log) in calls)
        {
            // Each accepted change gave the commitment a revision above every one before it, also across a withdrawal.
            var revisions = log.Where(c => c.Error is null && c.Revision is not null).Select(c => c.Revision!.Value).Prepend(pool.Value.CommitmentOf(country)!.Revision).ToArray();
            Assert.True(revisions.Zip(revisions.Skip(1)).All(p => p.First < p.Second), $"{country}'s revisions did not rise: {string.Join(", ", revisions)}");
            // Refused only as FAILED_PRECONDITION, and never accepted again once refused: the pool had closed.
            Assert.All(log.Where(c => c.Error is not null), c => Assert.IsType<RuleViolationException>(c.Error));
            var firstRefused = log.FindIndex(c => c.Error is not null);
            Assert.True(firstRefused < 0 || log.Skip(firstRefused).All(c => c.Error is not null), $"{country} was accepted after a refusal");
            // The last accepted change is what the pool settled with.
            var last = log.LastOrDefault(c => c.Error is null);
            var kept = settled.Value.CommitmentOf(country);
            var outcome = settled.Value.Outcome!.Countries.SingleOrDefault(c => c.CountryCode == country);
            var order = orders.SingleOrDefault(o => o.CountryCode == country);
            if (last is { Action: "withdraw" })
            {
                Assert.Null(kept);
                Assert.Null(outcome);
                Assert.Null(order);
                continue;
            }
            var (quantity, revision) = last is null ? (country == Rejoining ? 40 : 100, pool.Value.CommitmentOf(country)!.Revision) : (last.Quantity, last.Revision!.Value);
            Assert.Equal((quantity, revision), (kept!.Quantity, kept.Revision));
            Assert.Equal((quantity, quantity), (outcome!.Committed, outcome.Allocated));
            Assert.Equal((quantity, quantity), (order!.CommittedQuantity, order.Quantity));
        }
        // Every accepted change raised its event before the pool closed, and none came after.
        var topics = (await _harness.OutboxAsync()).Select(m => (m.Topic, m.Payload)).Where(m => m.Payload.Contains(pool.Id, StringComparison.Ordinal))
            .Select(m => m.Topic).ToList();
        var changes = calls.Values.Sum(log => log.Count(c => c.Error is null));
        Assert.Equal(changes + Amending.Length + 1, topics.Count(t => t == "consortium.procurement.v1.CommitmentChanged"));
        Assert.Equal(["consortium.procurement.v1.PoolClosed", "consortium.procurement.v1.PurchaseOrdersIssued"], topics.SkipWhile(t => !t.EndsWith("PoolClosed", StringComparison.Ordinal)));
    }

    /// <summary>
    /// A pool opened now, closing in a day, with 100 units from each amending country and 40 from the rejoining one, each
    /// commitment at the pool's revision its commit wrote (2 to 5); returned as the last commit left it, holding all four.
    /// </summary>
    private async Task<SeenPool> OpenWithCommitmentsAsync()
    {
        var pool = await _harness.OpenSamplePoolAsync(closesAt: _harness.Now.AddDays(1));
        foreach (var country in Amending)
        {
            await _harness.CommitAsync(pool.Id, country, 100, 600m);
        }
        return await _harness.CommitAsync(pool.Id, Rejoining, 40, 600m);
    }

    private async Task AssertClosedOnceAsync(string poolId)
    {
        Assert.Single(await _harness.EventsAsync(Contract.PoolClosed.Parser), e => e.Pool.PoolId == poolId);
        Assert.Single(await _harness.EventsAsync(Contract.PurchaseOrdersIssued.Parser), e => e.PoolId == poolId);
        Assert.Equal(Amending.Length + 1, (await _harness.ListPurchaseOrders.ExecuteAsync(new ListPurchaseOrdersCommand(0, null, poolId, null), Callers.Admin, None)).Orders.Count);
    }

    private static async Task<(SeenPool? Pool, Exception? Error)> Attempt(Func<Task<SeenPool>> call)
    {
        try
        {
            return (await call(), null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }

    /// <param name="Revision">The commitment's revision after an accepted call; null when refused or withdrawn.</param>
    private sealed record Call(string Action, int Quantity, long? Revision, Exception? Error);
}
