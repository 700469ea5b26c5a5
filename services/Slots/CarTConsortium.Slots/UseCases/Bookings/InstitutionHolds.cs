using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Institutions;
using CarTConsortium.Slots.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <summary>An institution's hold guard as read, and what it held when it was read.</summary>
public sealed record InstitutionStanding(string InstitutionId, string Country, Stored<InstitutionHoldGuard>? Guard, HoldCounts Counts, HoldLimits Limits)
{
    public string? RefusalOfOneMore => Limits.RefusalOfOneMore(InstitutionId, Country, Counts);
}

/// <summary>
/// The per-institution limits on holds (<see cref="InstitutionLimitsOptions"/>), for every use case
/// that creates a hold: a request and a waitlist offer. The guard is read before the bookings are
/// counted and updated in the hold's commit, so a count is never older than the guard it commits against.
/// </summary>
public sealed class InstitutionHolds(IDocumentStore store, IOptions<SlotsOptions> options)
{
    public async Task<InstitutionStanding> ReadAsync(string institutionId, string country, CancellationToken ct)
    {
        var guard = await store.FindAsync(SlotsCollections.InstitutionHoldGuards, institutionId, ct);
        var limits = options.Value.InstitutionLimits.For(country);
        // Each by a key that indexes only this institution's bookings of the kind counted, and no further than the limit: whether one more
        // fits is decided all the same. (By treating institution and status, SQLite walked every patient and decision of the institution.)
        var unconfirmed = await store.CountUpToAsync(SlotsCollections.Bookings,
            DocumentQuery.All.WhereKey(IndexKeys.HeldInstitution, institutionId), limits.MaxActive, ct);
        var active = await store.CountUpToAsync(SlotsCollections.Bookings,
            DocumentQuery.All.WhereKey(IndexKeys.HoldingInstitution, institutionId), limits.MaxActive, ct);
        return new InstitutionStanding(institutionId, country, guard, new HoldCounts(active, unconfirmed), limits);
    }

    /// <summary>The standing, or FAILED_PRECONDITION naming the limit and the count when one more hold would pass it.</summary>
    public async Task<InstitutionStanding> RequireRoomAsync(string institutionId, string country, CancellationToken ct)
    {
        var standing = await ReadAsync(institutionId, country, ct);
        return standing.RefusalOfOneMore is { } refusal ? throw new RuleViolationException(refusal) : standing;
    }

    /// <summary>Adds the guard's change to a hold's commit: it fails the commit if another hold of the institution committed since the read.</summary>
    public static void Stage(ChangeSet changes, InstitutionStanding standing)
    {
        if (standing.Guard is { } guard)
        {
            changes.Update(SlotsCollections.InstitutionHoldGuards, guard, guard.Value.OneMore());
        }
        else
        {
            changes.Insert(SlotsCollections.InstitutionHoldGuards, standing.InstitutionId, new InstitutionHoldGuard(standing.InstitutionId, 1));
        }
    }
}
