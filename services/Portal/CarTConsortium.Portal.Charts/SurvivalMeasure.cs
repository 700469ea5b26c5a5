namespace CarTConsortium.Portal.Charts;

/// <summary>Which Kaplan-Meier curve of a statistics cell a survival chart draws.</summary>
public enum SurvivalMeasure
{
    OverallSurvival,
    EventFreeSurvival,
}
