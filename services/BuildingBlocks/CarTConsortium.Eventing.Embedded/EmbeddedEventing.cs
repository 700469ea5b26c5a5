using CarTConsortium.BuildingBlocks.Eventing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Eventing.Embedded;

public static class EmbeddedEventing
{
    /// <summary>Connects the app to the process's shared <paramref name="bus"/> as publisher and subscriber.</summary>
    public static IServiceCollection AddEmbeddedEventing(this IServiceCollection services, EmbeddedBus bus, IConfiguration configuration)
    {
        services.AddEventingCore(configuration);
        // Registered as an instance: the host owns the bus, not any one app's container.
        services.AddSingleton(bus);
        services.AddSingleton<ITransportRetention>(bus);
        services.AddSingleton<IEventPublisher, EmbeddedBusPublisher>();
        services.AddHostedService<EmbeddedBusSubscriber>();
        return services;
    }
}

internal sealed class EmbeddedBusPublisher(EmbeddedBus bus) : IEventPublisher
{
    public Task PublishAsync(EventEnvelope envelope, CancellationToken ct = default) => bus.PublishAsync(envelope, ct);
}

/// <summary>
/// Pulls the app's due deliveries from the bus, hands each to the dispatcher and settles
/// it: done, delivered again when the dispatcher says (retry or deferral), or dropped once dead-lettered.
/// </summary>
internal sealed class EmbeddedBusSubscriber(
    EmbeddedBus bus,
    EventDispatcher dispatcher,
    IOptions<EventingOptions> options,
    TimeProvider clock,
    ILogger<EmbeddedBusSubscriber> logger) : BackgroundService
{
    private const int BatchSize = 50;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    private string Subscriber => options.Value.AppId;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribe before the app counts as started, so the host can open the bus after all apps did.
        if (dispatcher.Topics.Count > 0)
        {
            await bus.SubscribeAsync(Subscriber, dispatcher.Topics, cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (dispatcher.Topics.Count == 0)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = await bus.ReceiveDueAsync(Subscriber, BatchSize, stoppingToken);
                foreach (var delivery in due)
                {
                    await DeliverAsync(delivery, stoppingToken);
                }
                if (due.Count < BatchSize)
                {
                    await bus.WaitForDeliveryAsync(Subscriber, await UntilNextDueAsync(stoppingToken), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                EmbeddedEventingLog.ReceiveFailed(logger, e, Subscriber);
                await Task.Delay(IdlePoll, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken ct)
    {
        DeliveryResult result;
        try
        {
            result = await dispatcher.DeliverAsync(delivery.Envelope, delivery.Attempt, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The dispatcher itself failed (its store is unreachable, say): nothing was decided, so deliver again.
            EmbeddedEventingLog.DispatchFailed(logger, e, delivery.Envelope.Id);
            result = new DeliveryResult(DeliveryOutcome.Retry, options.Value.RetryDelay(delivery.Attempt));
        }
        // Not cancelled by a stopping app: the outcome is decided (and maybe committed), so it must be recorded.
        await bus.SettleAsync(delivery, result.Outcome, result.RetryAfter, CancellationToken.None);
    }

    private async Task<TimeSpan> UntilNextDueAsync(CancellationToken ct)
    {
        var next = await bus.NextDueAsync(Subscriber, ct);
        if (next is null)
        {
            return IdlePoll;
        }
        var wait = next.Value - clock.GetUtcNow();
        return wait <= TimeSpan.Zero ? TimeSpan.Zero : wait < IdlePoll ? wait : IdlePoll;
    }
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class EmbeddedEventingLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Receiving from the embedded bus failed for {Subscriber}; trying again shortly")]
    public static partial void ReceiveFailed(ILogger logger, Exception error, string subscriber);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispatching event {EventId} failed; it will be delivered again")]
    public static partial void DispatchFailed(ILogger logger, Exception error, string eventId);
}
