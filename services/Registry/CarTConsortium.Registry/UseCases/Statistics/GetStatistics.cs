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
/// The consortium statistics: every active (consented) record with an infusion becomes a
/// <see cref="CaseSummary"/>, the whole cube is built and suppressed once, and the request
/// gets its slice of it.
/// </summary>
/// <remarks>
/// The cube is rebuilt per request from all records; at registry scale (thousands of
/// patients) that is a few milliseconds of work and never stale.
/// </remarks>
public sealed class GetStatistics(IDocumentStore store, TimeProvider clock)
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

        var active = await store.QueryAllAsync(RegistryCollections.Patients, DocumentQuery.All.WhereKey(PatientKeys.Active, PatientKeys.Yes), ct);
        var cases = active.Select(p => CaseSummaries.Of(p.Value)).OfType<CaseSummary>().ToList();
        var slice = StatisticsCube.Build(cases).Slice(command.GroupBy.OfType<Dimension>().ToHashSet(),
            string.IsNullOrEmpty(command.CountryCode) ? null : command.CountryCode,
            string.IsNullOrEmpty(command.ProductId) ? null : command.ProductId,
            command.Year == 0 ? null : command.Year);
        return new GetStatisticsResult(slice.Published(), clock.GetUtcNow(), [Benchmark.Cibmtr]);
    }
}
