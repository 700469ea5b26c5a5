using System.Net;

namespace CarTConsortium.Eventing.Dapr.Tests;

public sealed class AppApiTokenTests
{
    [Fact]
    public async Task With_an_app_api_token_only_deliveries_that_carry_it_are_accepted()
    {
        await using var app = await SubscriberApp.StartAsync(new Dictionary<string, string?> { ["Eventing:Dapr:AppApiToken"] = "sidecar-secret" });
        var id = CloudEvents.NewId();
        var cloudEvent = CloudEvents.Product(id, "obecabtagene");

        using var anonymous = await app.PostAsync(SubscriberApp.ProductTopic, cloudEvent);
        using var wrong = await app.PostAsync(SubscriberApp.ProductTopic, cloudEvent, apiToken: "guess");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Empty(await Effects.OfAsync(app.Store, id));

        Assert.Equal("SUCCESS", await app.DeliverAsync(SubscriberApp.ProductTopic, cloudEvent, apiToken: "sidecar-secret"));
        Assert.Single(await Effects.OfAsync(app.Store, id));
    }
}
