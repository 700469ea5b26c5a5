namespace CarTConsortium.Slots.Domain.Bookings;

/// <summary>
/// How the holds due to lapse are found without reading every held booking every round: a held booking is filed
/// under the UTC day its hold runs out. The first complete round of a day reads every held booking and leaves the
/// day in <see cref="HoldSweepMark"/>; the other rounds of that day read the holds due that day only. Every hold due
/// before it was read by that first round, since no hold is made already due; and a hold stored without its day (by a
/// replica of an earlier release during a rolling deploy) is read by the next day's first round at the latest.
/// </summary>
public static class DueHolds
{
    /// <summary>The day bucket of a held booking; null for any other.</summary>
    public static string? DueDayOf(Booking booking) =>
        booking.Status == BookingStatus.Held && booking.HoldExpiresAt is { } due ? Day(DateOnly.FromDateTime(due.UtcDateTime)) : null;

    /// <summary>The bucket, "yyyy-MM-dd", of the holds due on <paramref name="day"/>.</summary>
    public static string Day(DateOnly day) => $"{day.Year:D4}-{day.Month:D2}-{day.Day:D2}";

    /// <summary>Whether a round on <paramref name="today"/> reads every held booking: none has completed today yet (a clock set back counts as today).</summary>
    public static bool ReadsEveryHold(DateOnly? sweptOn, DateOnly today) => sweptOn is not { } swept || swept < today;
}

/// <summary>The day of the last complete round of lapsing holds that read every held booking.</summary>
public sealed record HoldSweepMark(DateOnly SweptOn)
{
    public const string Id = "lapse-due-holds";
}
