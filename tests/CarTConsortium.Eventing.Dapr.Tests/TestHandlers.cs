using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Eventing.Dapr.Tests;

/// <summary>What a test handler leaves in the store: one document per run of a handler.</summary>
public sealed record Effect(string EventId, string Handler, string Subject, int Attempt, string Source, string? TraceParent);

public static class Effects
{
    public static readonly Collection<Effect> Collection = new("effects", ("event_id", e => e.EventId));

    public static async Task<IReadOnlyList<Effect>> OfAsync(IDocumentStore store, string eventId)
    {
        var page = await store.QueryAsync(Collection, DocumentQuery.All.WhereKey("event_id", eventId));
        return page.Items.Select(i => i.Value).ToArray();
    }

    public static void Record(EventContext context, string handler, string subject) =>
        // A fresh id per run, so a second run would show as a second document.
        context.Changes.Insert(Collection, Guid.NewGuid().ToString("N"),
            new Effect(context.Envelope.Id, handler, subject, context.Attempt, context.Envelope.Source, context.Envelope.TraceParent));
}

public sealed class ProductRegisteredHandler : IEventHandler<ProductRegistered>
{
    public Task HandleAsync(ProductRegistered integrationEvent, EventContext context, CancellationToken ct)
    {
        Effects.Record(context, nameof(ProductRegisteredHandler), integrationEvent.Product.ProductId);
        return Task.CompletedTask;
    }
}

/// <summary>Behaves as the event's product id says, so each test scripts its own event.</summary>
public sealed class AuthorisationChangedHandler : IEventHandler<AuthorisationChanged>
{
    public const string AlwaysTransient = "always-transient";
    public const string FailsOnce = "fails-once";
    public const string Poison = "poison";

    public Task HandleAsync(AuthorisationChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        var productId = integrationEvent.Authorisation.ProductId;
        if (productId == AlwaysTransient || (productId == FailsOnce && context.Attempt == 1))
        {
            throw new TimeoutException("the registry of a member country did not answer");
        }
        if (productId == Poison)
        {
            throw new PoisonEventException("this authorisation can never be applied");
        }
        Effects.Record(context, nameof(AuthorisationChangedHandler), productId);
        return Task.CompletedTask;
    }
}
