namespace CarTConsortium.Benchmarks;

/// <summary>
/// How many places a scenario's runs hold beyond their lines, counted by the admin after
/// the scenario; null when it could not be counted. Findings explain anything odd.
/// </summary>
public sealed record OverbookingCheck(int? Overbooked, IReadOnlyList<string> Findings);

/// <summary>One row of the table: a scenario at one client level.</summary>
/// <param name="Check">Null for the baseline, which books nothing.</param>
public sealed record ScenarioResult(int Clients, string Scenario, Measurement Measurement, OverbookingCheck? Check)
{
    public int Errors => Measurement.Count(OutcomeKind.Error);

    public double Throughput => Measurement.Requests / Measurement.Elapsed.TotalSeconds;

    public double BookingsPerSecond => Measurement.Count(OutcomeKind.Booked) / Measurement.Elapsed.TotalSeconds;

    /// <summary>Any error, any overbooking, or an overbooking that could not be counted.</summary>
    public bool Failed => Errors > 0 || Check is { Overbooked: null or > 0 };
}
