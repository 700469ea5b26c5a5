namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// How far the closing job got: its last complete round, on the UTC day <paramref name="SweptThrough"/>, closed every
/// open pool whose closing time had come, so every one closing on an earlier day. A later round reads only the
/// closing days from that one to today; the next closing time is looked for a few weeks ahead, day by day.
/// </summary>
public sealed record ClosingSweep(DateOnly SweptThrough)
{
    public const string Id = "close-due-pools";

    /// <summary>After this many days without a complete round, the next reads every open pool instead.</summary>
    public const int MaxDaysToRead = 62;

    /// <summary>How far ahead the next closing time is looked for; beyond it the job's interval wakes it.</summary>
    public const int LookAheadDays = 31;

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>
    /// The closing days a round on <paramref name="today"/> reads, the mark's day to today (a clock set back: today only);
    /// null without a mark (the first round, which also covers pools kept before the key existed) or with one too far back:
    /// then the round reads every open pool.
    /// </summary>
    public static IReadOnlyList<DateOnly>? DaysToRead(DateOnly? sweptThrough, DateOnly today) =>
        sweptThrough is not { } swept || today.DayNumber - swept.DayNumber > MaxDaysToRead ? null
            : swept >= today ? [today]
            : [.. Enumerable.Range(0, today.DayNumber - swept.DayNumber + 1).Select(swept.AddDays)];
}
