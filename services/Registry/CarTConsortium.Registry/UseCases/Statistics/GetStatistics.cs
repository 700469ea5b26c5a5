using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Statistics;

/// <param name="GroupBy">The dimensions to break down by; a null entry is one the request left unspecified (refused).</param>
/// <param name="CountryCode">Only this country; null or empty for all.</param>
/// <param name="ProductId">Only this product; null or empty for all.</param>
/// <param name="Year">Only this year of first infusion; 0 for all.</param>
public sealed record GetStatisticsCommand(IReadOnlyList<Dimension?> GroupBy, string? CountryCode, string? ProductId, int Year);

/// <param name="Slice">The requested cells as published: suppressed cells without figures, small-denominator rates left out.</param>
/// <param name="Benchmarks">The published figures to read the consortium's against.</param>
public sealed record GetStatisticsResult(StatisticsSlice Slice, DateTimeOffset ComputedAt, IReadOnlyList<Benchmark> Benchmarks);

/// <summary>
/// The consortium statistics, from the tallies the patient writes keep (see
/// <see cref="StatisticsTallies"/>): every active (consented) record with an infusion is counted as
/// a <see cref="CaseSummary"/> in the tally of its country, product and year; the cube's counts and
/// suppression come from all tallies at once, and figures only for the cells the request gets.
/// </summary>
/// <remarks>
/// A request reads the state document and answers from the cube of the tally documents that
/// <see cref="StatisticsSnapshots"/> shares between requests, never the records; the figures are the
/// ones <see cref="StatisticsCube.Build"/> gives from the records.
/// Tallies not built yet (a registry just upgraded, or being rebuilt after drifting) are never built here,
/// where any caller could start a scan of every record: the request is refused, to be retried shortly,
/// while <see cref="StatisticsTalliesJob"/> builds them.
/// </remarks>
public sealed class GetStatistics(IDocumentStore store, StatisticsSnapshots snapshots, TimeProvider clock)
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
        validator.ThrowIfInvalid();

        if (await store.FindAsync(RegistryCollections.TallyStates, TallyState.Id, ct) is not { Value.Built: true })
        {
            // FAILED_PRECONDITION: the platform's errors have no UNAVAILABLE; its message tells the caller to retry.
            throw new RuleViolationException("The statistics are being built from the patient records; retry in a few minutes.");
        }
        // Shared with every other request until the tallies change (see StatisticsSnapshots for how old it may be).
        var cube = await snapshots.CubeAsync(store, ct);
        var slice = cube.PublishedSlice(command.GroupBy.OfType<Dimension>().ToHashSet(),
            string.IsNullOrEmpty(command.CountryCode) ? null : command.CountryCode,
            string.IsNullOrEmpty(command.ProductId) ? null : command.ProductId,
            command.Year == 0 ? null : command.Year);
        return new GetStatisticsResult(slice, clock.GetUtcNow(), [Benchmark.Cibmtr]);
    }
}
