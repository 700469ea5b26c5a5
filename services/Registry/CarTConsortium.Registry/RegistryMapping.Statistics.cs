using CarTConsortium.Registry.Statistics;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry;

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

    public static Contract.Statistics ToContract(StatisticsSlice slice, DateTimeOffset computedAt) => new()
    {
        Cells = { slice.Cells.Select(ToContract) },
        Total = ToContract(slice.Total),
        Benchmarks =
        {
            new Contract.Benchmark
            {
                Source = ConsortiumStatistics.Cibmtr.Source,
                Patients = ConsortiumStatistics.Cibmtr.Patients,
                CompleteRemission = ConsortiumStatistics.Cibmtr.CompleteRemission,
                OverallSurvival1Y = ConsortiumStatistics.Cibmtr.OverallSurvival1y,
            },
        },
        ComputedAt = Timestamp.FromDateTimeOffset(computedAt),
        MinimumCellSize = StatisticsCube.MinimumCellSize,
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
        }
        return result;
    }

    // A rate over fewer patients than a cell may have (CR over the 3 assessed of a cell of 6) would show a small group: left out.
    private static Contract.Estimate? ToContract(Estimate? estimate) => estimate is null || estimate.Denominator < StatisticsCube.MinimumCellSize
        ? null
        : new Contract.Estimate { Value = estimate.Value, Lower = estimate.Lower, Upper = estimate.Upper, Denominator = estimate.Denominator };
}
