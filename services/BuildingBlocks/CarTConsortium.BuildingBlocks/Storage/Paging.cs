using System.Buffers.Text;
using System.Text;
using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.BuildingBlocks.Storage;

/// <summary>
/// List RPCs page with an opaque token: the caller hands back next_page_token unchanged.
/// Underneath it is the last id of the previous page (keyset paging), so pages stay
/// stable while others insert.
/// </summary>
public static class Paging
{
    public static DocumentQuery Query(int pageSize, string? pageToken, Validator validator, string field = "page")
    {
        validator.Check(pageSize is >= 0 and <= DocumentQuery.MaxLimit, $"{field}.page_size", $"must be between 0 and {DocumentQuery.MaxLimit} (0 means {DocumentQuery.DefaultLimit})");
        string? afterId = null;
        if (!string.IsNullOrEmpty(pageToken))
        {
            afterId = Decode(pageToken);
            validator.Check(afterId is not null, $"{field}.page_token", "is not a token this list returned");
        }
        return new DocumentQuery
        {
            Limit = pageSize == 0 ? DocumentQuery.DefaultLimit : Math.Clamp(pageSize, 1, DocumentQuery.MaxLimit),
            AfterId = afterId,
        };
    }

    /// <summary>The next_page_token for a page: empty on the last page.</summary>
    public static string NextToken<T>(Page<T> page) =>
        page.NextAfterId is null ? "" : Base64Url.EncodeToString(Encoding.UTF8.GetBytes("after:" + page.NextAfterId));

    private static string? Decode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            return text.StartsWith("after:", StringComparison.Ordinal) && text.Length > 6 ? text[6..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
