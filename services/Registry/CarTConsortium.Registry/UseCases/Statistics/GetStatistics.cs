using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <param name="GroupBy">The dimensions to break down by; a null entry is one the request left unspecified (refused).</param>
/// <param name="CountryCode">Only this country; null or empty for all.</param>
/// <param name="ProductId">Only this product; null or empty for all.</param>
/// <param name="Year">Only this year of first infusion; 0 for all.</param>
/// <param name="ReleaseId">The release to answer from; null or empty for the latest.</param>
public sealed record GetStatisticsCommand(IReadOnlyList<Dimension?> GroupBy, string? CountryCode, string? ProductId, int Year, string? ReleaseId = null);

/// <param name="Slice">The requested cells as published: suppressed cells without figures, small-denominator rates left out.</param>
/// <param name="Benchmarks">The published figures to read the consortium's against.</param>
/// <param name="ReleaseId">The release the figures are from.</param>
/// <param name="CutAt">That release's cut: the registry as it stood then.</param>
public sealed record GetStatisticsResult(StatisticsSlice Slice, DateTimeOffset ComputedAt, IReadOnlyList<Benchmark> Benchmarks, string ReleaseId, DateTimeOffset CutAt);

/// <summary>
/// The consortium statistics as published: from the latest statistics release, or the one the request
/// names, never from the live registry. Figures that change between two requests would let their
/// difference pin down the patients enrolled in between (issue 18); a release is computed once at its cut
/// under <see cref="ReleaseRule"/>, so any two answers differ by the data of at least five patients or not at all.
/// </summary>
/// <remarks>
/// A request reads the release head (or nothing, for a named release already read) and answers from the
/// release's cube that <see cref="StatisticsReleaseCubes"/> keeps per process: it costs the slice it returns.
/// </remarks>
public sealed class GetStatistics(IDocumentStore store, StatisticsReleaseCubes releases)
{
    public async Task<GetStatisticsResult> ExecuteAsync(GetStatisticsCommand command, CancellationToken ct)
    {
        var validator = new Validator();
        for (var i = 0; i < command.GroupBy.Count; i++)
        {
            validator.Check(command.GroupBy[i] is not null, $"group_by[{i}]", "must be COUNTRY, PRODUCT or YEAR");
        }
        if (!string.IsNullOrEmpty(command.CountryCode))
        {
            validator.CountryCode(command.CountryCode, "country_code");
        }
        if (!string.IsNullOrEmpty(command.ProductId))
        {
            validator.Slug(command.ProductId, "product_id");
        }
        validator.Check(command.Year == 0 || command.Year is >= 2000 and <= 2100, "year", "must be a calendar year (2000-2100), or 0 for every year");
        validator.Check(command.ReleaseId is not { Length: > 32 }, "release_id", "must be a release id (e.g. 2026-03-31T000000Z), or empty for the latest");
        validator.ThrowIfInvalid();

        var released = await releases.GetAsync(store, command.ReleaseId, ct);
        var slice = released.Cube.Slice(command.GroupBy.OfType<Dimension>().ToHashSet(),
            string.IsNullOrEmpty(command.CountryCode) ? null : command.CountryCode,
            string.IsNullOrEmpty(command.ProductId) ? null : command.ProductId,
            command.Year == 0 ? null : command.Year).Published();
        return new GetStatisticsResult(slice, released.CutAt, [Benchmark.Cibmtr], released.ReleaseId, released.CutAt);
    }
}
