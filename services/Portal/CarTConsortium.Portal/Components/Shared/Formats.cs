using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace CarTConsortium.Portal.Components.Shared;

/// <summary>Dates and times as the portal shows them: ISO days, UTC times, the same in every language.</summary>
public static class Formats
{
    public static string Day(Google.Type.Date? date) =>
        date is null || date.Year == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2}");

    public static string Time(Timestamp? at) =>
        at is null ? "" : at.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static Google.Type.Date? ToDate(DateOnly? day) =>
        day is { } d ? new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day } : null;

    /// <summary>The hours, minutes and seconds of a duration (its whole days are said in words by the caller).</summary>
    public static string Clock(TimeSpan left) =>
        string.Create(CultureInfo.InvariantCulture, $"{left.Hours:D2}:{left.Minutes:D2}:{left.Seconds:D2}");

}
