using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.UseCases.Statistics;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Api;

/// <summary>The statistics slice as the contract carries it.</summary>
internal static partial class RegistryMapping
{
    public static Dimension? FromContract(Contract.StatisticsDimension dimension) => dimension switch
    {
        Contract.StatisticsDimension.Country => Dimension.Country,
        Contract.StatisticsDimension.Product => Dimension.Product,
        Contract.StatisticsDimension.Year => Dimension.Year,
        _ => null,
    };

    public static Contract.Statistics ToContract(GetStatisticsResult result) => new()
    {
        Cells = { result.Slice.Cells.Select(ToContract) },
        Total = ToContract(result.Slice.Total),
        Benchmarks =
        {
            result.Benchmarks.Select(benchmark => new Contract.Benchmark
            {
                Source = benchmark.Source,
                Patients = benchmark.Patients,
                CompleteRemission = benchmark.CompleteRemission,
                OverallSurvival1Y = benchmark.OverallSurvival1y,
            }),
        },
        ComputedAt = Timestamp.FromDateTimeOffset(result.ComputedAt),
        MinimumCellSize = StatisticsCube.MinimumCellSize,
        ReleaseId = result.ReleaseId,
        CutAt = Timestamp.FromDateTimeOffset(result.CutAt),
    };

    // The reason a cell is hidden stays inside: published, it can pin down the small cell (see the contract).
    private static Contract.StatisticsCell ToContract(StatisticsCell cell)
    {
        var result = new Contract.StatisticsCell
        {
            CountryCode = cell.Key.Country ?? "",
            ProductId = cell.Key.ProductId ?? "",
            Year = cell.Key.Year ?? 0,
            Suppressed = cell.Suppressed,
        };
        if (cell.Measures is { } m)
        {
            result.PatientsInfused = m.PatientsInfused;
            result.CompleteRemission = ToContract(m.CompleteRemission);
            result.MrdNegativeRemission = ToContract(m.MrdNegativeRemission);
            result.CrsGrade3OrMore = ToContract(m.CrsGrade3OrMore);
            result.IcansGrade3OrMore = ToContract(m.IcansGrade3OrMore);
            result.OverallSurvival1Y = ToContract(m.OverallSurvival1y);
            result.EventFreeSurvival1Y = ToContract(m.EventFreeSurvival1y);
            result.OverallSurvivalCurve.Add(m.OverallSurvivalCurve.Points.Select(ToContract));
            result.EventFreeSurvivalCurve.Add(m.EventFreeSurvivalCurve.Points.Select(ToContract));
        }
        return result;
    }

    public static Contract.StatisticsRelease ToContract(StatisticsRelease release) => ToContract(new StatisticsReleaseEntry(release.ReleaseId, release.CutAt));

    public static Contract.StatisticsRelease ToContract(StatisticsReleaseEntry release) =>
        new() { ReleaseId = release.ReleaseId, CutAt = Timestamp.FromDateTimeOffset(release.CutAt) };

    private static Contract.SurvivalPoint ToContract(SurvivalPoint point) =>
        new() { Day = point.Day, Survival = point.Survival, Lower = point.Lower, Upper = point.Upper, AtRisk = point.AtRisk };

    // The use case publishes the slice: a rate it left out (too small a denominator) is null here.
    private static Contract.Estimate? ToContract(Estimate? estimate) => estimate is null
        ? null
        : new Contract.Estimate { Value = estimate.Value, Lower = estimate.Lower, Upper = estimate.Upper, Denominator = estimate.Denominator };
}
