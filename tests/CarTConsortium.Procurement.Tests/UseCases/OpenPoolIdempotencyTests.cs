using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Storage;
using CarTConsortium.Procurement.UseCases.Pools;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;
using Contract = CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>OpenPool with a client request id: a retry answers with the first pool, never a second one.</summary>
public sealed class OpenPoolIdempotencyTests : IAsyncLifetime
{
    private const string Key = "5f0c2b7e-93a4-4c1e-9f7d-2b8a61c0d4e3";
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ProcurementHarness _harness = new();

    public async ValueTask InitializeAsync() => await _harness.RegisterSampleItemAsync();

    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_same_key_again_returns_the_first_pool_without_a_second_pool_or_event()
    {
        var first = await Open(Key);
        _harness.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await Open(Key);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(1, await _harness.CountAsync(ProcurementCollections.Pools));
        Assert.Single(await _harness.EventsAsync(Contract.PoolOpened.Parser));
    }

    [Fact]
    public async Task Parallel_calls_with_one_key_make_one_pool_and_all_get_its_id()
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Open(Key))));

        Assert.Single(opened.Select(p => p.Id).Distinct());
        Assert.Equal(1, await _harness.CountAsync(ProcurementCollections.Pools));
        Assert.Single(await _harness.EventsAsync(Contract.PoolOpened.Parser));
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused_and_opens_nothing()
    {
        await Open(Key);

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => Open(Key, title: "Another pool"));

        Assert.Contains("was used for a different OpenPool request", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, await _harness.CountAsync(ProcurementCollections.Pools));
    }

    [Fact]
    public async Task No_key_or_another_key_opens_another_pool()
    {
        var keyed = await Open(Key);
        var unkeyed = await Open(null);
        var other = await Open("0b9e7f60-5c1d-4e8a-a3f2-7d6c5b4a3921");

        Assert.Equal(3, new[] { keyed.Id, unkeyed.Id, other.Id }.Distinct().Count());
    }

    [Fact]
    public async Task A_key_is_the_callers_own_another_caller_with_it_opens_its_own_pool()
    {
        var mine = await Open(Key);
        var theirs = await _harness.OpenPool.ExecuteAsync(Command(Key), Callers.Admin with { Subject = "another-admin" }, None);

        Assert.NotEqual(mine.Id, theirs.Id);
    }

    [Fact]
    public async Task A_key_past_its_retention_opens_a_new_pool()
    {
        var first = await Open(Key);
        _harness.Clock.Advance(IdempotencyKey.Retention + TimeSpan.FromMinutes(1));

        var later = await Open(Key);
        var retried = await Open(Key);

        Assert.NotEqual(first.Id, later.Id);
        Assert.Equal(later.Id, retried.Id);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has spaces in it, sixteen+")]
    [InlineData("ключ-на-кириллице-длинный")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task A_malformed_key_is_invalid_argument_on_request_id_and_opens_nothing(string key)
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => Open(key));

        Assert.Equal([IdempotencyKey.Field], error.Violations.Select(v => v.Field));
        Assert.Equal(0, await _harness.CountAsync(ProcurementCollections.Pools));
    }

    private static OpenPoolCommand Command(string? requestId, string title = "Tocilizumab for CRS management, 2027") =>
        new(title, Item, SupplierId, Currency, Tiers(), null, ClosesAt, 100, null, requestId);

    private Task<SeenPool> Open(string? requestId, string title = "Tocilizumab for CRS management, 2027") =>
        _harness.OpenPool.ExecuteAsync(Command(requestId, title), Callers.Admin, None);
}
