using System.Text.Json;

namespace CarTConsortium.Eventing.Dapr.Tests;

[Collection(SubscriberCollection.Name)]
public sealed class SubscriptionTests(SubscriberFixture fixture)
{
    [Fact]
    public async Task Dapr_subscribe_lists_every_topic_with_its_route_and_pubsub()
    {
        using var response = await fixture.App.Http.GetAsync("/dapr/subscribe");
        response.EnsureSuccessStatusCode();
        using var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var subscriptions = list.RootElement.EnumerateArray()
            .Select(s => (
                PubSub: Property(s, "pubsubname"),
                Topic: Property(s, "topic"),
                // Dapr.AspNetCore writes the route without its leading slash; daprd resolves
                // it against the app's root either way.
                Route: "/" + Property(s, "route").TrimStart('/')))
            .OrderBy(s => s.Topic, StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(
            [
                (SubscriberApp.PubSubName, "consortium.approvals.v1.AuthorisationChanged", "/events/consortium.approvals.v1.AuthorisationChanged"),
                (SubscriberApp.PubSubName, "consortium.registry.v1.ProductRegistered", "/events/consortium.registry.v1.ProductRegistered"),
            ],
            subscriptions);
    }

    // daprd reads these names case-insensitively (Dapr.AspNetCore writes "pubsubName").
    private static string Property(JsonElement subscription, string name) =>
        subscription.EnumerateObject().Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value.GetString()!;
}
