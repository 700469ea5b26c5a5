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
/// Reads by last day (<see cref="AuthorisationKeys.ExpiryDay"/>) only the days since the last complete round
/// (<see cref="ExpirySweep"/>), a page at a time; by status only in a first round or after a long pause.
/// </summary>
public sealed class ExpireDueAuthorisations(IDocumentStore store, TimeProvider clock)
{
    // The statuses Authorisation.IsDueToExpire can hold for: read by index, not the whole collection.
    private static readonly AuthorisationStatus[] CanExpire = [AuthorisationStatus.Approved, AuthorisationStatus.ConditionallyApproved, AuthorisationStatus.Suspended];

    /// <returns>How many expired.</returns>
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var today = clock.Today();
        var mark = await store.FindAsync(ApprovalsCollections.ExpirySweeps, ExpirySweep.Id, ct);
        var queries = ExpirySweep.LastDaysToRead(mark?.Value.SweptThrough, today) is { } days
            ? days.Select(day => DocumentQuery.All.WhereKey(AuthorisationKeys.ExpiryDay, AuthorisationKeys.DayOf(day)))
            : CanExpire.Select(status => DocumentQuery.All.WhereKey(AuthorisationKeys.Status, status.ToString()));
        var expired = 0;
        var leftForLater = 0;
        foreach (var query in queries)
        {
            var next = query with { Limit = DocumentQuery.MaxLimit };
            Page<Authorisation> page;
            do
            {
                page = await store.QueryAsync(ApprovalsCollections.Authorisations, next, ct);
                foreach (var current in page.Items.Where(a => a.Value.IsDueToExpire(today)))
                {
                    if (await TryExpireAsync(current, today, ct))
                    {
                        expired++;
                    }
                    else
                    {
                        leftForLater++;
                    }
                }
                next = next with { AfterId = page.NextAfterId };
            }
            while (page.NextAfterId is not null);
        }
        // Only a complete round moves the mark: the next one must read again the days of one left for later.
        if (leftForLater == 0 && mark?.Value.SweptThrough != today)
        {
            await MoveMarkAsync(mark, today, ct);
        }
        return expired;
    }

    private async Task<bool> TryExpireAsync(Stored<Authorisation> current, DateOnly today, CancellationToken ct)
    {
        try
        {
            var lastDay = current.Value.ExpiresOn!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await store.SaveChangeAsync(clock, current, current.Value.Expire(today), (after, changes, now) =>
                AuthorisationChange.BySystem(AuthorisationChange.Expired, after.Id, after.Version, changes, $"expires_on {lastDay} has passed", now), ct);
            return true;
        }
        catch (ConcurrencyConflictException)
        {
            // Changed since it was read: the next run sees its new state.
            return false;
        }
    }

    // A replica that loses the race leaves the mark the other round set: both read the same days.
    private async Task MoveMarkAsync(Stored<ExpirySweep>? mark, DateOnly today, CancellationToken ct)
    {
        var changes = mark is null
            ? new ChangeSet().Insert(ApprovalsCollections.ExpirySweeps, ExpirySweep.Id, new ExpirySweep(today))
            : new ChangeSet().Update(ApprovalsCollections.ExpirySweeps, mark, new ExpirySweep(today));
        try
        {
            await store.CommitAsync(changes, ct);
        }
        catch (Exception e) when (e is ConcurrencyConflictException or DocumentExistsException)
        {
            // Moved by another replica's round meanwhile.
        }
    }
}
