using System.Globalization;
using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>
/// Moves every approval whose expiry has passed to EXPIRED, in the name of the system. Run by
/// the expiry job; one that someone changes meanwhile is left to the next run.
/// </summary>
public sealed class ExpireDueAuthorisations(IDocumentStore store, TimeProvider clock)
{
    // The statuses Authorisation.IsDueToExpire can hold for: read by index, not the whole collection.
    private static readonly AuthorisationStatus[] CanExpire = [AuthorisationStatus.Approved, AuthorisationStatus.ConditionallyApproved, AuthorisationStatus.Suspended];

    /// <returns>How many expired.</returns>
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var today = clock.Today();
        var expired = 0;
        foreach (var status in CanExpire)
        {
            foreach (var current in await store.AllAuthorisationsAsync(DocumentQuery.All.WhereKey(AuthorisationKeys.Status, status.ToString()), ct))
            {
                if (!current.Value.IsDueToExpire(today))
                {
                    continue;
                }
                try
                {
                    var lastDay = current.Value.ExpiresOn!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    await store.SaveChangeAsync(clock, current, current.Value.Expire(today), (after, changes, now) =>
                        AuthorisationChange.BySystem(AuthorisationChange.Expired, after.Id, after.Version, changes, $"expires_on {lastDay} has passed", now), ct);
                    expired++;
                }
                catch (ConcurrencyConflictException)
                {
                    // Changed since it was read: the next run sees its new state.
                }
            }
        }
        return expired;
    }
}
