namespace CarTConsortium.Portal.Charts;

/// <summary>The unit of a survival chart's time axis (the figures' table always gives the day).</summary>
public enum SurvivalTimeUnit
{
    Months,
    Days,
}
