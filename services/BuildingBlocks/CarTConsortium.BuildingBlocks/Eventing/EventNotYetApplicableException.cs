namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// Thrown by an event handler that cannot apply an event <em>yet</em>: the entity it refers to has not
/// arrived (a consent change before its enrolment, a read model one revision behind). Nothing the handler
/// recorded in <see cref="EventContext.Changes"/> is committed. The dispatcher answers Retry without counting
/// a failure: no <c>HandlerFailed</c> warning, the <c>consortium.events.deferred</c> counter instead of
/// <c>consortium.events.retried</c>, a debug log. The event is delivered again with the usual backoff and,
/// like any failure, dead-lettered once <c>Eventing:DeadLetterAfter</c> has passed since its first delivery
/// (a replayed dead letter that is still not applicable is dead-lettered again at once).
/// Prefer a handler that does not depend on arrival order (merge what came early); defer only what
/// cannot be merged. Usage: <c>throw new EventNotYetApplicableException("patient p-1 is not enrolled here yet");</c>
/// </summary>
public sealed class EventNotYetApplicableException(string waitingFor) : Exception(waitingFor)
{
    /// <summary>What the handler waits for, in words an operator understands (kept as the dead letter's reason if it never comes).</summary>
    public string WaitingFor { get; } = waitingFor;
}
