namespace CarTConsortium.Slots.Domain.Runs;

/// <summary>The fair-share period of a run: the calendar month it starts in, e.g. "2026-04".</summary>
public static class Period
{
    public static string Of(DateOnly day) => $"{day.Year:D4}-{day.Month:D2}";

    public static DateOnly Start(DateOnly day) => new(day.Year, day.Month, 1);

    public static DateOnly End(DateOnly day) => Start(day).AddMonths(1).AddDays(-1);
}
