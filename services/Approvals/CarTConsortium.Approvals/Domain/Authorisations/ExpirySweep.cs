namespace CarTConsortium.Approvals.Domain.Authorisations;

/// <summary>
/// How far the expiry job got: its last complete round, on <paramref name="SweptThrough"/>, expired every
/// authorisation whose last day was before that day. A later round reads only the last days from then on.
/// </summary>
public sealed record ExpirySweep(DateOnly SweptThrough)
{
    public const string Id = "expire-due-authorisations";

    /// <summary>After this many days without a complete round, the next reads every authorisation that can expire instead.</summary>
    public const int MaxDaysToRead = 62;

    /// <summary>
    /// The last days a round on <paramref name="today"/> reads: from the day before the mark (one day of overlap costs
    /// little and forgives a round cut short at midnight) to yesterday. Null when there is no mark yet (the first round,
    /// which also covers records kept before the key existed) or it is too far back: then the round reads by status.
    /// A clock set back reads the day before today only.
    /// </summary>
    public static IReadOnlyList<DateOnly>? LastDaysToRead(DateOnly? sweptThrough, DateOnly today)
    {
        if (sweptThrough is not { } swept || today.DayNumber - swept.DayNumber > MaxDaysToRead)
        {
            return null;
        }
        var from = (swept < today ? swept : today).AddDays(-1);
        return [.. Enumerable.Range(0, today.DayNumber - from.DayNumber).Select(from.AddDays)];
    }
}
