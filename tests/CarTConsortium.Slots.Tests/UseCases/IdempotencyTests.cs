using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Runs;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>PublishCapacity and RequestRun with a client request id: a retry answers as the first call did, with no second run, hold or entry.</summary>
public sealed class IdempotencyTests
{
    private const string Key = "3c7d1e0a-6b2f-4a9e-8d5c-1f0e9b8a7c6d";

    /// <summary>Each keyed create, as "what it made" (the id the first call returned); and how many things of its kind exist.</summary>
    public static TheoryData<string> Creates => new("PublishCapacity", "RequestRun (hold)", "RequestRun (waitlist)");

    [Theory]
    [MemberData(nameof(Creates))]
    public async Task The_same_key_again_returns_the_first_result_without_a_second_effect(string create)
    {
        using var world = await SlotsWorld.CreateAsync();
        var call = await CreateAsync(world, create);

        var first = await call(Key);
        world.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await call(Key);

        Assert.Equal(first, again);
        Assert.Equal(1, await CountAsync(world, create));
    }

    [Theory]
    [MemberData(nameof(Creates))]
    public async Task Parallel_calls_with_one_key_make_one_and_all_get_its_id(string create)
    {
        using var world = await SlotsWorld.CreateAsync();
        var call = await CreateAsync(world, create);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => call(Key))));

        Assert.Single(results.Distinct());
        Assert.Equal(1, await CountAsync(world, create));
    }

    [Fact]
    public async Task A_replayed_request_answers_with_the_first_decisions_and_summary()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        var command = Request(await world.EnrolAsync(), Key);

        var first = await world.RequestRun.ExecuteAsync(command, SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);
        var again = await world.RequestRun.ExecuteAsync(command, SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);

        Assert.Equal((first.RequestId, first.Summary, first.Booking!.Id), (again.RequestId, again.Summary, again.Booking!.Id));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(first.Decisions), System.Text.Json.JsonSerializer.Serialize(again.Decisions));
        Assert.Single(await world.RaisedAsync<Contracts.Slots.V1.BookingChanged>());
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishRun.ExecuteAsync(Publish(Key, lines: 1), SlotsWorld.SiteAccount(), CancellationToken.None);

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() =>
            world.PublishRun.ExecuteAsync(Publish(Key, lines: 2), SlotsWorld.SiteAccount(), CancellationToken.None));

        Assert.Contains("was used for a different PublishRun request", refused.Message, StringComparison.Ordinal);
        Assert.Single(await world.Sqlite.QueryAllAsync(SlotsCollections.Runs, DocumentQuery.All));
    }

    [Fact]
    public async Task The_same_key_for_another_rpc_is_another_key()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishRun.ExecuteAsync(Publish(Key, lines: 1), SlotsWorld.SiteAccount(), CancellationToken.None);

        var outcome = await world.RequestRun.ExecuteAsync(Request(await world.EnrolAsync(), Key), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);

        Assert.NotNull(outcome.Booking);
    }

    [Theory]
    [InlineData("too-short")]
    [InlineData("a key with spaces in it")]
    [InlineData("semi;colons;are;not;allowed;here")]
    public async Task A_malformed_key_is_invalid_argument_on_request_id(string key)
    {
        using var world = await SlotsWorld.CreateAsync();
        var pseudonym = await world.EnrolAsync();

        var publish = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            world.PublishRun.ExecuteAsync(Publish(key, lines: 1), SlotsWorld.SiteAccount(), CancellationToken.None));
        var request = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            world.RequestRun.ExecuteAsync(Request(pseudonym, key), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None));

        Assert.Equal([IdempotencyKey.Field], publish.Violations.Select(v => v.Field));
        Assert.Equal([IdempotencyKey.Field], request.Violations.Select(v => v.Field));
        Assert.Empty(await world.Sqlite.QueryAllAsync(SlotsCollections.Runs, DocumentQuery.All));
        Assert.Empty(await world.Sqlite.QueryAllAsync(SlotsCollections.AllocationDecisions, DocumentQuery.All));
    }

    private static PublishRunCommand Publish(string requestId, int lines) =>
        new(SlotsWorld.Site, SlotsWorld.Product, DateParts.Of(SlotsWorld.RunStart), 12, lines, RequestId: requestId);

    private static RequestRunCommand Request(string pseudonym, string requestId) =>
        new(pseudonym, SlotsWorld.Product, SlotsWorld.Indication, Domain.Waitlist.UrgencyClass.Standard, SlotsWorld.Hospital, RequestId: requestId);

    /// <summary>The keyed call of <paramref name="create"/>, the world prepared for it; it returns the id the call made.</summary>
    private static async Task<Func<string, Task<string>>> CreateAsync(SlotsWorld world, string create)
    {
        switch (create)
        {
            case "PublishCapacity":
                return async key => (await world.PublishRun.ExecuteAsync(Publish(key, lines: 1), SlotsWorld.SiteAccount(), CancellationToken.None)).Stored.Id;
            case "RequestRun (hold)":
                await world.PublishAsync(lines: 1);
                break;
            case "RequestRun (waitlist)":
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(create), create, null);
        }
        var pseudonym = await world.EnrolAsync();
        return async key =>
        {
            var outcome = await world.RequestRun.ExecuteAsync(Request(pseudonym, key), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);
            return $"{outcome.RequestId} {outcome.Booking?.Id} {outcome.Entry?.Id}";
        };
    }

    private static async Task<int> CountAsync(SlotsWorld world, string create) => create switch
    {
        "PublishCapacity" => (await world.Sqlite.QueryAllAsync(SlotsCollections.Runs, DocumentQuery.All)).Count,
        "RequestRun (hold)" => (await world.BookingsAsync(BookingStatus.Held)).Count
            + (await world.Sqlite.QueryAllAsync(SlotsCollections.AllocationDecisions, DocumentQuery.All)).Count - 1,
        _ => (await world.EntriesAsync()).Count + (await world.Sqlite.QueryAllAsync(SlotsCollections.AllocationDecisions, DocumentQuery.All)).Count - 1,
    };
}
