using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CarTConsortium.BuildingBlocks.Eventing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Eventing.Dapr;

public static class DaprEventingEndpoints
{
    /// <summary>Where the sidecar delivers events of a topic: <c>/events/{topic}</c>.</summary>
    public const string RoutePrefix = "/events/";

    private const string ApiTokenHeader = "dapr-api-token";

    /// <summary>
    /// Maps Dapr's programmatic subscription list (<c>GET /dapr/subscribe</c>) and one
    /// delivery endpoint per subscribed topic. Deliberately without <c>UseCloudEvents()</c>:
    /// that middleware unwraps the CloudEvent and would hide the id we dedupe on and the
    /// traceparent that continues the publisher's trace.
    /// </summary>
    public static IEndpointRouteBuilder MapDaprEventing(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var dispatcher = services.GetRequiredService<EventDispatcher>();
        var options = services.GetRequiredService<IOptions<DaprEventingOptions>>().Value;
        var clock = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DaprEventingEndpoints).FullName!);
        var appToken = DaprAppTokenRequirement.EffectiveToken(options, services.GetService<IConfiguration>());
        var expectedToken = string.IsNullOrEmpty(appToken) ? null : Encoding.UTF8.GetBytes(appToken);

        // The sidecar asks for the list at start-up, before anyone could hold a user token.
        endpoints.MapSubscribeHandler().AllowAnonymous().ExcludeFromDescription();

        foreach (var topic in dispatcher.Topics.Order(StringComparer.Ordinal))
        {
            // The caller is the sidecar, not a user: Dapr's app API token authenticates it.
            endpoints.MapPost(RoutePrefix + topic, http => DeliverAsync(http, topic, dispatcher, clock, logger, expectedToken))
                .WithTopic(options.PubSubName, topic)
                .AllowAnonymous()
                .ExcludeFromDescription();
        }
        return endpoints;
    }

    private static async Task DeliverAsync(HttpContext http, string topic, EventDispatcher dispatcher,
        TimeProvider clock, ILogger logger, byte[]? expectedToken)
    {
        if (expectedToken is not null && !HasToken(http.Request, expectedToken))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var ct = http.RequestAborted;
        EventEnvelope? envelope;
        try
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: ct);
            if (!CloudEventJson.TryRead(body.RootElement, topic, clock.GetUtcNow(), out envelope, out var problem))
            {
                await DropUnreadableAsync(http, topic, problem, logger);
                return;
            }
        }
        catch (JsonException e)
        {
            await DropUnreadableAsync(http, topic, "body is not JSON: " + e.Message, logger);
            return;
        }

        // Dapr does not say which delivery this is; the dispatcher counts them in the service's store
        // (shared by every replica, kept across restarts) and dead-letters by Eventing:DeadLetterAfter.
        // Dapr's resiliency policy (or the broker's redelivery) decides when a RETRY comes back.
        DeliveryOutcome outcome;
        try
        {
            outcome = await dispatcher.DispatchAsync(envelope, attempt: 0, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The dispatcher could not even decide (e.g. the store is down): let Dapr deliver again.
            DaprEventingLog.DeliveryFailed(logger, e, envelope.Id, topic);
            outcome = DeliveryOutcome.Retry;
        }
        await AnswerAsync(http, outcome);
    }

    private static Task DropUnreadableAsync(HttpContext http, string topic, string problem, ILogger logger)
    {
        // Without an id there is nothing to key a dead letter on: log it, count it, drop it.
        DaprEventingLog.DroppedUnreadable(logger, topic, problem);
        var consumer = http.RequestServices.GetRequiredService<IOptions<EventingOptions>>().Value.AppId;
        EventingTelemetry.DeadLettered.Add(1, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("consumer", consumer));
        return AnswerAsync(http, DeliveryOutcome.Drop);
    }

    /// <summary>Dapr's subscriber contract: HTTP 200 with the status in the body.</summary>
    private static Task AnswerAsync(HttpContext http, DeliveryOutcome outcome)
    {
        var status = outcome switch
        {
            DeliveryOutcome.Success => "SUCCESS",
            DeliveryOutcome.Retry => "RETRY",
            _ => "DROP",
        };
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync("{\"status\":\"" + status + "\"}", http.RequestAborted);
    }

    private static bool HasToken(HttpRequest request, byte[] expected)
    {
        var given = request.Headers[ApiTokenHeader].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class DaprEventingLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "A delivery of event {EventId} ({Topic}) failed before a handler could decide; asking Dapr to retry")]
    public static partial void DeliveryFailed(ILogger logger, Exception error, string eventId, string topic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dropped a delivery on topic {Topic} that is not a CloudEvent: {Problem}")]
    public static partial void DroppedUnreadable(ILogger logger, string topic, string problem);
}
