namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>A published figure to read the consortium's against.</summary>
public sealed record Benchmark(string Source, int Patients, double CompleteRemission, double OverallSurvival1y)
{
    /// <summary>The review paper's registry benchmark (CIBMTR, tisagenlecleucel in children and young adults).</summary>
    public static Benchmark Cibmtr { get; } = new("CIBMTR registry, tisagenlecleucel, r/r B-ALL (review paper)", 255, 0.855, 0.77);
}
