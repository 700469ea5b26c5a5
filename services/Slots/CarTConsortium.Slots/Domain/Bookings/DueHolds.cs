namespace CarTConsortium.Slots.Domain.Bookings;

/// <summary>
/// How the holds due to lapse are found without reading every held booking every round: a held booking is filed
/// under the UTC day its hold runs out, and a round reads the days from the one the last complete round reached
/// (<see cref="HoldSweepMark"/>) to today. Every hold due before that day was read by that round, and no hold is
/// made already due, so nothing due is skipped.
/// </summary>
public static class DueHolds
{
    /// <summary>The day bucket, "yyyy-MM-dd", of a held booking; null for any other.</summary>
    public static string? DueDayOf(Booking booking) =>
        booking.Status == BookingStatus.Held && booking.HoldExpiresAt is { } due ? Day(DateOnly.FromDateTime(due.UtcDateTime)) : null;

    /// <summary>The day buckets a round on <paramref name="today"/> reads, given the day the last complete round reached.</summary>
    public static IEnumerable<string> DaysToRead(DateOnly sweptFrom, DateOnly today)
    {
        // A clock set back reads today alone: the days after it were read already.
        for (var day = sweptFrom < today ? sweptFrom : today; day <= today; day = day.AddDays(1))
        {
            yield return Day(day);
        }
    }

    private static string Day(DateOnly day) => $"{day.Year:D4}-{day.Month:D2}-{day.Day:D2}";
}

/// <summary>The day the last complete round of lapsing holds reached: every hold due before it has been read.</summary>
public sealed record HoldSweepMark(DateOnly SweptFrom)
{
    public const string Id = "lapse-due-holds";
}
