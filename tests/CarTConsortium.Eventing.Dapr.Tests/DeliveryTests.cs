using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Eventing.Dapr.Tests;

[Xunit.Collection(SubscriberCollection.Name)]
public sealed class DeliveryTests(SubscriberFixture fixture)
{
    private SubscriberApp App => fixture.App;

    private IDeadLetterStore DeadLetters => App.Services.GetRequiredService<IDeadLetterStore>();

    [Fact]
    public async Task A_delivered_event_runs_its_handler_and_a_redelivery_has_no_second_effect()
    {
        var id = CloudEvents.NewId();
        var cloudEvent = CloudEvents.Product(id, "tisagenlecleucel");

        Assert.Equal("SUCCESS", await App.DeliverAsync(SubscriberApp.ProductTopic, cloudEvent));
        Assert.Equal("SUCCESS", await App.DeliverAsync(SubscriberApp.ProductTopic, cloudEvent));

        var effect = Assert.Single(await Effects.OfAsync(App.Store, id));
        Assert.Equal("tisagenlecleucel", effect.Subject);
        Assert.Equal(1, effect.Attempt);
        // The envelope comes from the raw CloudEvent, not from an unwrapped body.
        Assert.Equal("registry", effect.Source);
        Assert.Equal(CloudEvents.TraceParent, effect.TraceParent);
    }

    [Fact]
    public async Task Data_that_arrives_as_a_json_string_is_handled_like_an_object()
    {
        var id = CloudEvents.NewId();

        Assert.Equal("SUCCESS", await App.DeliverAsync(SubscriberApp.ProductTopic, CloudEvents.Product(id, "axicabtagene", dataAsString: true)));

        Assert.Equal("axicabtagene", Assert.Single(await Effects.OfAsync(App.Store, id)).Subject);
    }

    [Fact]
    public async Task A_transient_failure_answers_retry_and_the_redelivery_is_counted_as_the_next_attempt()
    {
        var id = CloudEvents.NewId();
        var cloudEvent = CloudEvents.Authorisation(id, AuthorisationChangedHandler.FailsOnce);

        Assert.Equal("RETRY", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, cloudEvent));
        Assert.Empty(await Effects.OfAsync(App.Store, id));
        Assert.Equal("SUCCESS", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, cloudEvent));

        Assert.Equal(2, Assert.Single(await Effects.OfAsync(App.Store, id)).Attempt);
    }

    [Fact]
    public async Task Transient_failures_answer_retry_until_the_time_budget_is_spent_then_drop_and_dead_letter()
    {
        var id = CloudEvents.NewId();
        var cloudEvent = CloudEvents.Authorisation(id, AuthorisationChangedHandler.AlwaysTransient);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal("RETRY", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, cloudEvent));
            Assert.Null(await DeadLetterOfAsync(id));
        }
        App.Clock.Advance(SubscriberApp.DeadLetterAfter);
        Assert.Equal("DROP", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, cloudEvent));

        var deadLetter = await DeadLetterOfAsync(id);
        Assert.NotNull(deadLetter);
        // Counted in the store, whatever Dapr says (it says nothing) about which delivery this is.
        Assert.Equal(4, deadLetter.Attempts);
        Assert.Equal(SubscriberApp.AuthorisationTopic, deadLetter.Topic);
        Assert.Equal(typeof(AuthorisationChangedHandler).FullName, deadLetter.Consumer);
        Assert.Contains(AuthorisationChangedHandler.AlwaysTransient, deadLetter.Payload, StringComparison.Ordinal);
        Assert.Empty(await Effects.OfAsync(App.Store, id));

        // A stray later copy of the event finds it settled: no handler run, no new dead letter.
        Assert.Equal("SUCCESS", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, cloudEvent));
        Assert.Single(await DeadLetters.ListAsync(500), d => d.EventId == id);
    }

    [Fact]
    public async Task A_poison_message_drops_and_is_dead_lettered_at_once()
    {
        var id = CloudEvents.NewId();

        Assert.Equal("DROP", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, CloudEvents.Authorisation(id, AuthorisationChangedHandler.Poison)));

        var deadLetter = await DeadLetterOfAsync(id);
        Assert.NotNull(deadLetter);
        Assert.Equal(1, deadLetter.Attempts);
        Assert.Contains("can never be applied", deadLetter.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"authorisation":42}""", false)]
    [InlineData("""{"authorisation":{"recordedAt":"not a timestamp"}}""", false)]
    [InlineData("""{"authorisation":{"productId": """, true)]
    public async Task A_payload_that_does_not_read_as_the_message_drops_and_is_dead_lettered_at_once(string data, bool dataAsString)
    {
        var id = CloudEvents.NewId();
        var cloudEvent = dataAsString
            ? CloudEvents.Create(id, SubscriberApp.AuthorisationTopic, data, dataAsString: true)
            : CloudEvents.Create(id, SubscriberApp.AuthorisationTopic, data);

        Assert.Equal("DROP", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, cloudEvent));

        var deadLetter = await DeadLetterOfAsync(id);
        Assert.NotNull(deadLetter);
        Assert.Equal(1, deadLetter.Attempts);
        Assert.Equal(data, deadLetter.Payload);
    }

    [Fact]
    public async Task A_cloud_event_without_data_drops_and_is_dead_lettered_under_its_id()
    {
        var id = CloudEvents.NewId();
        var cloudEvent = $$"""{"specversion":"1.0","id":"{{id}}","source":"approvals","type":"{{SubscriberApp.AuthorisationTopic}}"}""";

        Assert.Equal("DROP", await App.DeliverAsync(SubscriberApp.AuthorisationTopic, cloudEvent));

        Assert.NotNull(await DeadLetterOfAsync(id));
    }

    [Theory]
    [InlineData("this is not JSON")]
    [InlineData("""{"specversion":"1.0","type":"x","source":"y","data":{}}""")]
    [InlineData("""{"specversion":"1.0","id":"","data":{}}""")]
    [InlineData("[1,2,3]")]
    public async Task A_body_that_is_not_a_cloud_event_drops_and_is_counted_as_dead_lettered(string body)
    {
        long deadLettered = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EventingTelemetry.Name && instrument.Name == "consortium.events.dead_lettered")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "topic" && Equals(tag.Value, SubscriberApp.ProductTopic))
                {
                    Interlocked.Add(ref deadLettered, value);
                }
            }
        });
        listener.Start();

        Assert.Equal("DROP", await App.DeliverAsync(SubscriberApp.ProductTopic, body));

        // The counter is bumped before the answer is written; other test classes in this
        // assembly run outside this collection and never post to this app.
        Assert.Equal(1, Interlocked.Read(ref deadLettered));
    }

    private async Task<DeadLetter?> DeadLetterOfAsync(string eventId) =>
        (await DeadLetters.ListAsync(500)).SingleOrDefault(d => d.EventId == eventId);
}
