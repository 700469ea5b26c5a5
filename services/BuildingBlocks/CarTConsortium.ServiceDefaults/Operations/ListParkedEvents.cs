using System.Globalization;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.ServiceDefaults.Operations;

/// <summary>The service's parked events, one page at a time in commit order.</summary>
public sealed class ListParkedEvents(IOutboxOperations outbox, IOptions<EventingOptions> eventing)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public sealed record Command(int PageSize, string? PageToken);

    public sealed record Result(IReadOnlyList<ParkedEvent> Events, string? NextPageToken);

    public async Task<Result> ExecuteAsync(Command command, CancellationToken ct)
    {
        long? after = null;
        var validator = new Validator()
            .Check(command.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be 1-{MaxPageSize}, or 0 for {DefaultPageSize}");
        if (!string.IsNullOrEmpty(command.PageToken))
        {
            validator.Check(long.TryParse(command.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var seq), "page_token",
                "must be the next_page_token of a previous page");
            after = seq;
        }
        validator.ThrowIfInvalid();

        var size = command.PageSize == 0 ? DefaultPageSize : command.PageSize;
        // One more than a page tells whether another follows.
        var found = await outbox.ListParkedAsync(size + 1, after, ct);
        var page = found.Take(size).ToList();
        // The relay's source of the service tag, so an override cannot split the service's series.
        ParkedEventsGauge.Update(eventing.Value.AppId, await outbox.CountParkedAsync(ct));
        return new Result(page, found.Count > size ? page[^1].Seq.ToString(CultureInfo.InvariantCulture) : null);
    }
}
