using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Procurement.Tenders;

/// <summary>The use cases of pooled tenders, one method each.</summary>
public sealed class TenderBook(IDocumentStore store, TimeProvider clock)
{
    /// <summary>Opens a tender and tells the other services through TenderOpened.</summary>
    public async Task<Stored<Tender>> OpenAsync(string item, string unit, IReadOnlyList<ProposedTier> tiers, DateTimeOffset? closesAt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // A version 7 id sorts by opening time, so lists (ordered by id) read oldest first.
        var tender = Tender.Open(Guid.CreateVersion7(now).ToString(), item, unit, tiers, closesAt, now);
        var stored = Stored.Inserted(tender.TenderId, tender);
        await store.CommitAsync(new ChangeSet()
            .Insert(Tender.Collection, tender.TenderId, tender)
            .Raise(new TenderOpened { Tender = ProcurementMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    public async Task<Stored<Tender>> GetAsync(string tenderId, CancellationToken ct)
    {
        new Validator().Check(IsTenderId(tenderId), "tender_id", "must be a tender id as OpenTender returned it").ThrowIfInvalid();
        return await store.FindAsync(Tender.Collection, tenderId, ct)
            ?? throw new NotFoundException($"No tender '{tenderId}' exists.");
    }

    /// <param name="status">Only tenders in this status; null for all.</param>
    public async Task<(IReadOnlyList<Stored<Tender>> Tenders, string NextPageToken)> ListAsync(int pageSize, string? pageToken, TenderStatus? status, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator)
            .WhereKey("status", status is { } s ? Tender.StatusKey(s) : null);
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(Tender.Collection, query, ct);
        return (page.Items, Paging.NextToken(page));
    }

    private static bool IsTenderId(string? id) => Guid.TryParseExact(id, "D", out var parsed) && parsed.ToString() == id;
}
