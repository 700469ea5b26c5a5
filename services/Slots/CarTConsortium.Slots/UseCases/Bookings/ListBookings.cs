using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases.Bookings;

/// <param name="Status">Only bookings in this status; any when null.</param>
/// <param name="StatusNotRecognised">The caller sent a status this version does not know (INVALID_ARGUMENT).</param>
public sealed record ListBookingsCommand(int PageSize, string? PageToken, string? SiteId = null, string? TreatingInstitutionId = null, string? CapacityId = null,
    BookingStatus? Status = null, bool StatusNotRecognised = false);

public sealed record BookingPage(IReadOnlyList<BookingView> Bookings, string NextPageToken);

/// <summary>The caller's bookings: a hospital's own, a site's own, any for an admin; filters narrow them further.</summary>
public sealed class ListBookings(IDocumentStore store)
{
    public async Task<BookingPage> ExecuteAsync(ListBookingsCommand command, Caller caller, CancellationToken ct)
    {
        if (command.StatusNotRecognised)
        {
            throw new InvalidArgumentException([new("status", "is not a booking status")]);
        }
        var (siteId, treatingInstitutionId, capacityId) = (command.SiteId, command.TreatingInstitutionId, command.CapacityId);
        var validator = new Validator();
        var query = Paging.Query(command.PageSize, command.PageToken, validator);
        if (!string.IsNullOrEmpty(siteId))
        {
            validator.Slug(siteId, "site_id");
        }
        if (!string.IsNullOrEmpty(treatingInstitutionId))
        {
            validator.Slug(treatingInstitutionId, "treating_institution_id");
        }
        if (!string.IsNullOrEmpty(capacityId))
        {
            validator.Check(Ids.IsId(capacityId), "capacity_id", "must be a capacity id as PublishCapacity returned it");
        }
        validator.ThrowIfInvalid();
        if (!caller.IsConsortiumAdmin)
        {
            // Everyone else sees their own institution's bookings: the filter is theirs, whatever they asked for.
            var own = caller.Org ?? "";
            var institution = await store.FindAsync(SlotsCollections.KnownInstitutions, own, ct);
            if (institution is null)
            {
                return new BookingPage([], ""); // An institution the registry has not announced has no bookings.
            }
            caller.Demand(caller.IsOfCountry(institution.Value.CountryCode), BookingAccess.WhoMayFollow);
            if (caller.HasRole(Roles.ManufacturingSite))
            {
                caller.Demand(string.IsNullOrEmpty(siteId) || siteId == own, "A manufacturing site lists its own site's bookings only.");
                siteId = own;
            }
            else
            {
                caller.Demand(string.IsNullOrEmpty(treatingInstitutionId) || treatingInstitutionId == own, "A hospital lists its own bookings only.");
                treatingInstitutionId = own;
            }
        }
        query = query.WhereKey(IndexKeys.SiteId, siteId).WhereKey(IndexKeys.TreatingInstitution, treatingInstitutionId)
            .WhereKey(IndexKeys.CapacityId, capacityId).WhereKey(IndexKeys.Status, command.Status?.ToString());
        var page = await store.QueryAsync(SlotsCollections.Bookings, query, ct);
        return new BookingPage([.. page.Items.Select(b => BookingView.For(caller, b))], Paging.NextToken(page));
    }
}
