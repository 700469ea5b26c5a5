using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Portal.Components.Shared;

namespace CarTConsortium.Portal.Components.Site;

/// <summary>A run as the site types it: days are UTC calendar days; the API checks every rule (none is repeated here).</summary>
public sealed class PublishRunInput
{
    public string ProductId { get; set; } = "";
    public DateOnly? RunStart { get; set; }
    public int? RunDays { get; set; } = 14;
    public int? Lines { get; set; } = 1;

    /// <summary>The day before the run starts when left empty (the API's default).</summary>
    public DateOnly? ApheresisCutoff { get; set; }

    public PublishCapacityRequest ToRequest(string siteId)
    {
        var request = new PublishCapacityRequest
        {
            SiteId = siteId,
            ProductId = ProductId,
            RunDays = RunDays ?? 0,
            Lines = Lines ?? 0,
        };
        if (Formats.ToDate(RunStart) is { } start)
        {
            request.RunStart = start;
        }
        if (Formats.ToDate(ApheresisCutoff) is { } cutoff)
        {
            request.ApheresisCutoff = cutoff;
        }
        return request;
    }
}
