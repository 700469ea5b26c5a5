using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Events;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>How every change of a tracked authorisation is written, whichever use case makes it.</summary>
internal static class AuthorisationWrites
{
    /// <summary>
    /// The changed authorisation, its history entry and its AuthorisationChanged in one commit,
    /// at the next revision; a concurrent change since <paramref name="current"/> was read makes it fail.
    /// </summary>
    /// <param name="change">The history entry, from the authorisation as saved, what differs, and the time of the change.</param>
    public static async Task<Stored<Authorisation>> SaveChangeAsync(this IDocumentStore store, TimeProvider clock, Stored<Authorisation> current,
        Authorisation changed, Func<Stored<Authorisation>, IReadOnlyList<FieldChange>, DateTimeOffset, AuthorisationChange> change, CancellationToken ct)
    {
        var after = current with { Version = current.Version + 1, Value = changed };
        var now = clock.GetUtcNow();
        await store.CommitAsync(new ChangeSet()
            .Update(ApprovalsCollections.Authorisations, current, changed)
            .Insert(ApprovalsCollections.History, ApprovalsCollections.HistoryIdOf(after.Id, after.Version), change(after, Authorisation.Diff(current.Value, changed), now))
            .Raise(AuthorisationEvents.Changed(after), clock), ct);
        return after;
    }
}
