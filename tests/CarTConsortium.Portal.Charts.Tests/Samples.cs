using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Portal.Charts.Tests;

/// <summary>Statistics as the registry answers them: KZ drawn, UZ suppressed, KG too small for a curve.</summary>
internal static class Samples
{
    public static Statistics ByCountry()
    {
        var kz = new StatisticsCell
        {
            CountryCode = "KZ",
            PatientsInfused = 12,
            CompleteRemission = new Estimate { Value = 0.75, Lower = 0.47, Upper = 0.91, Denominator = 12 },
            MrdNegativeRemission = new Estimate { Value = 0.667, Lower = 0.391, Upper = 0.862, Denominator = 12 },
            CrsGrade3OrMore = new Estimate { Value = 0.083, Lower = 0.015, Upper = 0.354, Denominator = 12 },
            IcansGrade3OrMore = new Estimate { Value = 0.167, Lower = 0.047, Upper = 0.448, Denominator = 12 },
            OverallSurvival1Y = new Estimate { Value = 0.8, Lower = 0.6, Upper = 0.9, Denominator = 12 },
            EventFreeSurvival1Y = new Estimate { Value = 0.6, Lower = 0.4, Upper = 0.75, Denominator = 12 },
        };
        kz.OverallSurvivalCurve.Add(
        [
            Point(0, 1, 1, 1, 12),
            Point(100, 0.9, 0.7, 0.97, 11),
            Point(250, 0.8, 0.6, 0.9, 9),
            Point(400, 0.7, 0.5, 0.83, 6),
        ]);
        kz.EventFreeSurvivalCurve.Add(
        [
            Point(0, 1, 1, 1, 12),
            Point(60, 0.75, 0.5, 0.88, 12),
            Point(200, 0.6, 0.4, 0.75, 8),
        ]);
        var statistics = new Statistics
        {
            MinimumCellSize = 5,
            Total = new StatisticsCell
            {
                PatientsInfused = 23,
                OverallSurvival1Y = new Estimate { Value = 0.78, Lower = 0.62, Upper = 0.88, Denominator = 23 },
                EventFreeSurvival1Y = new Estimate { Value = 0.57, Lower = 0.41, Upper = 0.7, Denominator = 23 },
                CompleteRemission = new Estimate { Value = 0.826, Lower = 0.629, Upper = 0.93, Denominator = 23 },
            },
        };
        statistics.Cells.Add(kz);
        statistics.Cells.Add(new StatisticsCell { CountryCode = "UZ", Suppressed = true });
        statistics.Cells.Add(new StatisticsCell { CountryCode = "KG", PatientsInfused = 6 });
        statistics.Benchmarks.Add(new Benchmark { Source = "CIBMTR", Patients = 255, CompleteRemission = 0.855, OverallSurvival1Y = 0.77 });
        return statistics;
    }

    private static SurvivalPoint Point(int day, double survival, double lower, double upper, int atRisk) =>
        new() { Day = day, Survival = survival, Lower = lower, Upper = upper, AtRisk = atRisk };
}
