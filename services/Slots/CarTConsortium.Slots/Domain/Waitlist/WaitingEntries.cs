using System.Globalization;
using CarTConsortium.Slots.Domain.Runs;

namespace CarTConsortium.Slots.Domain.Waitlist;

/// <summary>
/// How the waiting entries that can matter are found without reading every entry ever made. A waiting entry is filed
/// under its product (what a request ranks itself against), under its product and the month of its latest start (what
/// a free place in a run starting in some month can serve: only entries whose latest start is not before it), and under
/// the day its window passes (what housekeeping lapses). Entries no longer waiting are filed under none of them.
/// </summary>
/// <remarks>
/// As with <see cref="BookableRuns"/>, a latest start more than <see cref="BookableRuns.NearMonths"/> months after the
/// month the entry joined in is filed under "far", and an entry without one under "open": the months to read for a
/// free place stay bounded however far ahead hospitals may ask.
/// </remarks>
public static class WaitingEntries
{
    public const string Far = "far";
    public const string Open = "open";

    /// <summary>After this many days without a round, the next one reads every waiting entry instead of one bucket per day.</summary>
    public const int MaxDaysToRead = 62;

    /// <summary>The product of a waiting entry; null for any other.</summary>
    public static string? ProductOf(WaitlistEntry entry) => entry.Status == WaitlistStatus.Waiting ? entry.ProductId : null;

    /// <summary>"{product}|{yyyy-MM}" of a waiting entry's latest start, "{product}|far" or "{product}|open"; null unless waiting.</summary>
    public static string? LatestBucketOf(WaitlistEntry entry) => entry.Status != WaitlistStatus.Waiting ? null
        : entry.LatestStart is not { } latest ? Bucket(entry.ProductId, Open)
        : Period.Start(latest) > Period.Start(JoinedDay(entry)).AddMonths(BookableRuns.NearMonths) ? Bucket(entry.ProductId, Far)
        : Bucket(entry.ProductId, Period.Of(latest));

    public static string Bucket(string productId, string month) => $"{productId}|{month}";

    /// <summary>
    /// The buckets holding every entry of <paramref name="productId"/> that may want a run starting on
    /// <paramref name="firstStart"/> or later, on <paramref name="today"/>: the months from the run's to the furthest a
    /// near latest start can be (one more for a replica's clock), then far and open.
    /// </summary>
    public static IEnumerable<string> LatestBucketsToRead(string productId, DateOnly firstStart, DateOnly today)
    {
        var last = Period.Start(today).AddMonths(BookableRuns.NearMonths + 1);
        for (var month = Period.Start(firstStart); month <= last; month = month.AddMonths(1))
        {
            yield return Bucket(productId, Period.Of(month));
        }
        yield return Bucket(productId, Far);
        yield return Bucket(productId, Open);
    }

    /// <summary>
    /// The day a waiting entry's window is seen to have passed, "yyyy-MM-dd": the day after its latest start, or the day it
    /// joined when it joined with its window passed already; null for an entry without a latest start or not waiting.
    /// </summary>
    public static string? DueDayOf(WaitlistEntry entry) =>
        entry.Status == WaitlistStatus.Waiting && entry.LatestStart is { } latest ? Day(Max(latest.AddDays(1), JoinedDay(entry))) : null;

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Whether a waiting entry's window has passed on <paramref name="today"/>: no run can start in it any more, since none starts in the past.</summary>
    public static bool HasLapsedOn(WaitlistEntry entry, DateOnly today) =>
        entry.Status == WaitlistStatus.Waiting && entry.LatestStart is { } latest && latest < today;

    /// <summary>Why a lapsed entry was closed, for the hospital.</summary>
    public static string LapsedReason(WaitlistEntry entry) =>
        $"its window passed: no run could start by its latest start, {Day(entry.LatestStart!.Value)}; the hospital may ask again";

    /// <summary>Whether a round on <paramref name="today"/> reads every waiting entry: none has completed yet, or none for too long.</summary>
    public static bool ReadsEveryEntry(DateOnly? sweptThrough, DateOnly today) =>
        sweptThrough is not { } swept || today.DayNumber - swept.DayNumber > MaxDaysToRead;

    /// <summary>The due days a later round reads: from the day the last complete round reached to today (a clock set back reads today only).</summary>
    public static IEnumerable<string> DueDaysToRead(DateOnly sweptThrough, DateOnly today)
    {
        for (var day = sweptThrough < today ? sweptThrough : today; day <= today; day = day.AddDays(1))
        {
            yield return Day(day);
        }
    }

    /// <summary>Whether anyone could be offered a place in <paramref name="run"/> on <paramref name="today"/>: open, its cut-off not passed, a line free.</summary>
    public static bool HasRoom(ManufacturingRun run, Allocation.RunPlaces? places, DateOnly today) =>
        run.IsOpen && run.ApheresisCutoff >= today && places is { Free: > 0 };

    /// <summary>Whether a waiting entry wants one of <paramref name="runs"/> (at its site, in its window).</summary>
    public static bool WantsAny(WaitlistEntry entry, IEnumerable<ManufacturingRun> runs) =>
        entry.Status == WaitlistStatus.Waiting && runs.Any(r => entry.Wants(r.SiteId, r.RunStart));

    private static DateOnly JoinedDay(WaitlistEntry entry) => DateOnly.FromDateTime(entry.JoinedAt.UtcDateTime);

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}

/// <summary>The day the last complete round of lapsing waiting entries reached.</summary>
public sealed record WaitlistSweepMark(DateOnly SweptThrough)
{
    public const string Id = "lapse-passed-windows";
}
