namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>The survival endpoints of one case, in days since its first infusion.</summary>
public static class SurvivalEndpoints
{
    /// <summary>The nominal day of the response assessment, when a no-response carries no date.</summary>
    public const int ResponseAssessmentDay = 28;

    /// <summary>Overall survival: death is the event; otherwise censored at the last contact.</summary>
    public static (double Time, bool Event) OverallSurvival(CaseSummary c) =>
        c.DiedOn is { } died ? (DaysAfterInfusion(c, died), true) : (DaysAfterInfusion(c, c.LastContact), false);

    /// <summary>
    /// Event-free survival: the event is the first of no response (on the day it was assessed, or the
    /// nominal day 28 when the registry holds no date), relapse and death; otherwise censored at the last
    /// contact. A remission that was never achieved is a failure from the start, as in the pivotal trials.
    /// </summary>
    public static (double Time, bool Event) EventFreeSurvival(CaseSummary c)
    {
        var noResponse = c.Response == ResponseAtDay28.NoResponse
            ? c.ResponseAssessedOn ?? c.FirstInfusion.AddDays(ResponseAssessmentDay)
            : (DateOnly?)null;
        DateOnly?[] events = [noResponse, c.RelapsedOn, c.DiedOn];
        var first = events.Where(e => e is not null).Min();
        return first is { } on ? (DaysAfterInfusion(c, on), true) : (DaysAfterInfusion(c, c.LastContact), false);
    }

    private static double DaysAfterInfusion(CaseSummary c, DateOnly on) => on.DayNumber - c.FirstInfusion.DayNumber;
}
