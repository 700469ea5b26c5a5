using CarTConsortium.Contracts.Common.V1;

namespace CarTConsortium.Benchmarks;

public static class Paging
{
    private const int PageSize = 200;

    /// <summary>Every item of a list RPC, page after page until it gives no next_page_token.</summary>
    public static async Task<List<T>> AllAsync<T>(Func<PageRequest, Task<(IEnumerable<T> Items, string NextPageToken)>> page)
    {
        var all = new List<T>();
        var request = new PageRequest { PageSize = PageSize };
        while (true)
        {
            var (items, next) = await page(request);
            all.AddRange(items);
            if (next.Length == 0)
            {
                return all;
            }
            request = new PageRequest { PageSize = PageSize, PageToken = next };
        }
    }
}
