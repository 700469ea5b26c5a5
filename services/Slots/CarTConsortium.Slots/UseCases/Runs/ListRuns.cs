using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.UseCases.Runs;

/// <param name="SiteId">Only this site's runs; null or empty for every site.</param>
/// <param name="ProductId">Only runs of this product; null or empty for every product.</param>
public sealed record ListRunsCommand(int PageSize, string? PageToken, string? SiteId = null, string? ProductId = null);

public sealed record RunPage(IReadOnlyList<RunView> Runs, string NextPageToken);

/// <summary>The runs on offer and past, a page at a time; open to every role.</summary>
public sealed class ListRuns(IDocumentStore store, RunReads runs)
{
    public async Task<RunPage> ExecuteAsync(ListRunsCommand command, CancellationToken ct)
    {
        var validator = new Validator();
        if (!string.IsNullOrEmpty(command.SiteId))
        {
            validator.Slug(command.SiteId, "site_id");
        }
        if (!string.IsNullOrEmpty(command.ProductId))
        {
            validator.Slug(command.ProductId, "product_id");
        }
        var query = Paging.Query(command.PageSize, command.PageToken, validator)
            .WhereKey(IndexKeys.SiteId, command.SiteId)
            .WhereKey(IndexKeys.ProductId, command.ProductId);
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(SlotsCollections.Runs, query, ct);
        var views = new List<RunView>();
        foreach (var stored in page.Items)
        {
            views.Add(await runs.ViewAsync(stored, ct));
        }
        return new RunPage(views, Paging.NextToken(page));
    }
}
