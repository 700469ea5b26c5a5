using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Eventing.Dapr.Tests;

/// <summary>
/// Issue 15, failure 3 over Dapr: a CloudEvent whose source is not the service that owns its
/// topic (an attacker, or another service) is answered DROP and has no effect.
/// </summary>
[Xunit.Collection(SubscriberCollection.Name)]
public sealed class ForgedEventAbuseTests(SubscriberFixture fixture)
{
    private SubscriberApp App => fixture.App;

    [Theory]
    [InlineData("attacker")]
    [InlineData("slots")]
    [InlineData("")]
    public async Task An_approval_forged_by_another_source_answers_drop_is_not_applied_and_is_counted(string source)
    {
        using var forged = new EventCounter("consortium.events.forged");
        var id = CloudEvents.NewId();
        var cloudEvent = CloudEvents.Create(id, SubscriberApp.AuthorisationTopic,
            """{"authorisation":{"authorisationId":"a-1","productId":"forged-product","jurisdiction":"KZ","status":"AUTHORISATION_STATUS_APPROVED"}}""",
            source: source);

        Assert.Equal("DROP", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, cloudEvent));

        Assert.Empty(await Effects.OfAsync(App.Store, id));
        // Not a dead letter: replaying it from the list would only forge it again.
        Assert.DoesNotContain(await App.Services.GetRequiredService<IDeadLetterStore>().ListAsync(500), d => d.EventId == id);
        Assert.Equal(1, forged.Total(("topic", SubscriberApp.AuthorisationTopic), ("source", source), ("consumer", "approvals-test")));
    }

    [Fact]
    public async Task The_same_event_from_its_owner_is_applied()
    {
        var id = CloudEvents.NewId();

        Assert.Equal("SUCCESS", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, CloudEvents.Authorisation(id, "owned-product")));

        Assert.Equal("approvals", Assert.Single(await Effects.OfAsync(App.Store, id)).Source);
    }
}
