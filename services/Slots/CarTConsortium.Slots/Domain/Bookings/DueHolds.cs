using System.Globalization;

namespace CarTConsortium.Slots.Domain.Bookings;

/// <summary>
/// How the holds due to lapse are found without reading every held booking every round: a held booking is filed
/// under the UTC hour its hold runs out. The first complete round of a day reads every held booking; a later round
/// reads the hours from the one the last complete round started in (<see cref="HoldSweepMark"/>) to its own. Every
/// hold due before that hour was read by an earlier round, since no hold is made already due; and a hold stored
/// without its hour (by a replica of an earlier release during a rolling deploy) is read by the next day's first round.
/// </summary>
public static class DueHolds
{
    /// <summary>The hour bucket of a held booking; null for any other.</summary>
    public static string? DueHourOf(Booking booking) =>
        booking.Status == BookingStatus.Held && booking.HoldExpiresAt is { } due ? Hour(due) : null;

    /// <summary>The bucket, "yyyy-MM-ddTHH" (UTC), of the holds due in the hour of <paramref name="at"/>.</summary>
    public static string Hour(DateTimeOffset at) => HourStart(at).ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture);

    public static DateTime HourStart(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);
    }

    /// <summary>Whether a round at <paramref name="now"/> reads every held booking: none has completed today yet, or the clock was set back.</summary>
    public static bool ReadsEveryHold(DateTimeOffset? sweptAt, DateTimeOffset now) =>
        sweptAt is not { } swept || swept.UtcDateTime.Date < now.UtcDateTime.Date || now < swept;

    /// <summary>The hour buckets a later round of the day reads, from the hour the last complete round started in to its own.</summary>
    public static IEnumerable<string> HoursToRead(DateTimeOffset sweptAt, DateTimeOffset now)
    {
        for (var hour = HourStart(sweptAt); hour <= HourStart(now); hour = hour.AddHours(1))
        {
            yield return Hour(hour);
        }
    }

    /// <summary>Whether a complete round at <paramref name="now"/> moves the mark: once an hour at most.</summary>
    public static bool MovesMark(DateTimeOffset? sweptAt, DateTimeOffset now) =>
        ReadsEveryHold(sweptAt, now) || HourStart(now) > HourStart(sweptAt!.Value);
}

/// <summary>When the last complete round of lapsing holds that moved the mark started.</summary>
public sealed record HoldSweepMark(DateTimeOffset SweptAt)
{
    public const string Id = "lapse-due-holds";
}
