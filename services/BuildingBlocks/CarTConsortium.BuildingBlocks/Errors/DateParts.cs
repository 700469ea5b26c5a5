namespace CarTConsortium.BuildingBlocks.Errors;

/// <summary>A calendar day the way google.type.Date carries it: 0 in a part means "not given".</summary>
public readonly record struct DateParts(int Year, int Month, int Day)
{
    public static DateParts Of(DateOnly day) => new(day.Year, day.Month, day.Day);
}

public static class DatePartsValidation
{
    /// <summary>
    /// The whole calendar day in <paramref name="parts"/>, or null with a violation on
    /// <paramref name="field"/>. google.type.Date allows a year of 0 (a yearly date) and a
    /// day of 0 (a month); every date of this platform needs a whole day.
    /// </summary>
    /// <param name="required">When false, an absent (null or all-zero) date is no violation and gives null.</param>
    public static DateOnly? CalendarDay(this Validator validator, DateParts? parts, string field, bool required = true)
    {
        if (parts is null or { Year: 0, Month: 0, Day: 0 } && !required)
        {
            return null;
        }
        if (parts is not { Year: > 0, Month: > 0, Day: > 0 } day)
        {
            validator.Check(false, field, "is required: year, month and day");
            return null;
        }
        if (day.Year > 9999 || day.Month > 12 || day.Day > DateTime.DaysInMonth(day.Year, day.Month))
        {
            validator.Check(false, field, "is not a calendar date");
            return null;
        }
        return new DateOnly(day.Year, day.Month, day.Day);
    }
}

/// <summary>Which calendar day "today" is, for a platform with no time zone per user.</summary>
public static class CalendarDays
{
    /// <summary>
    /// The last calendar day anywhere on Earth (UTC+14): no date after it can have happened.
    /// For "not in the future" checks, so that a clinician or officer east of UTC is never
    /// told that their own today is tomorrow; the price is that a date one day ahead can pass.
    /// </summary>
    public static DateOnly LatestToday(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime.AddHours(14));
}
