using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Eventing.Tests;

/// <summary>
/// Issue 15, failure 3 on the embedded bus: an event written into the bus by someone other than
/// the service that owns its topic is dropped unapplied, logged and counted by topic and source.
/// </summary>
public sealed class ForgedEventAbuseTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-forged-");
    private readonly FailureScript _script = new();
    private readonly string _subscriber = $"approvals-{Guid.NewGuid():N}";

    [Theory]
    [InlineData("attacker")]
    [InlineData("procurement")]
    [InlineData("Registry")]
    public async Task An_event_written_into_the_bus_with_a_source_that_does_not_own_its_topic_is_not_applied(string source)
    {
        using var forged = new EventCounter("consortium.events.forged");
        using var bus = new EmbeddedBus(Path.Combine(_folder, "bus.db"));
        await using var approvals = await TestApp.StartProjectionAsync(_subscriber, _folder, bus, _script);
        bus.Open();

        await bus.PublishAsync(TestApp.ProductEnvelope("forged-product", source));
        await bus.PublishAsync(TestApp.ProductEnvelope("genuine-product"));

        await Eventually.HoldsAsync(async () => await approvals.Store.FindAsync(Seen.Products, "genuine-product") is not null, "the genuine event was applied");
        await Eventually.HoldsAsync(() => Task.FromResult(forged.Total(("consumer", _subscriber), ("topic", IntegrationEvents.TopicOf<ProductRegistered>()), ("source", source)) == 1), "the forged event was counted");
        Assert.Null(await approvals.Store.FindAsync(Seen.Products, "forged-product"));
        Assert.DoesNotContain(_script.Deliveries, d => d.ProductId == "forged-product");
        // Dropped for good: neither a dead letter to replay nor a pending delivery to retry.
        // The bus settles a delivery just after the dispatcher counted it.
        await Eventually.HoldsAsync(async () => await bus.NextDueAsync(_subscriber) is null, "no delivery is left to retry");
        Assert.Empty(await approvals.Services.GetRequiredService<IDeadLetterStore>().ListAsync(10));
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>The ownership rule: the proto package consortium.&lt;service&gt;.v&lt;n&gt; names the only publisher.</summary>
public sealed class EventOwnershipTests
{
    [Theory]
    [InlineData("consortium.approvals.v1.AuthorisationChanged", "approvals")]
    [InlineData("consortium.registry.v1.ProductRegistered", "registry")]
    [InlineData("consortium.slots.v12.BookingChanged", "slots")]
    public void The_package_names_the_owner(string topic, string owner)
    {
        Assert.Equal(owner, EventOwnership.OwnerOf(topic));
        Assert.True(EventOwnership.MayPublish(owner, topic));
    }

    [Theory]
    [InlineData("attacker", "consortium.approvals.v1.AuthorisationChanged")]
    [InlineData("slots", "consortium.approvals.v1.AuthorisationChanged")]
    [InlineData("", "consortium.approvals.v1.AuthorisationChanged")]
    [InlineData("approvals ", "consortium.approvals.v1.AuthorisationChanged")]
    [InlineData("registry", "t")]
    [InlineData("registry", "consortium.registry.ProductRegistered")]
    [InlineData("registry", "consortium.registry.vx.ProductRegistered")]
    [InlineData("registry", "other.registry.v1.ProductRegistered")]
    [InlineData("registry", "consortium.registry.v1.ProductRegistered.Extra")]
    [InlineData("", "consortium..v1.X")]
    public void Anyone_else_and_any_topic_without_an_owner_is_refused(string source, string topic) =>
        Assert.False(EventOwnership.MayPublish(source, topic));
}
