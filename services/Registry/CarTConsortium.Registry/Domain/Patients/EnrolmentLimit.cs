using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Registry.Domain.Patients;

/// <summary>How many patients one institution has enrolled in the window starting at <paramref name="Start"/>.</summary>
public sealed record EnrolmentWindow(string InstitutionId, DateTimeOffset Start, int Count);

/// <summary>
/// At most <paramref name="PermitLimit"/> enrolments per institution in each fixed
/// <paramref name="Window"/> (windows start at whole multiples of it since 0001-01-01 UTC). A
/// hospital enrols a handful of children a month; forty invented patients in a third of a second
/// were the first step of hoarding manufacturing places. The count is kept in the store with the
/// enrolment, so every replica sees one count, and a restart forgets nothing. A burst that
/// straddles two windows can pass up to twice the limit: the price of a counter one document wide.
/// </summary>
public sealed record EnrolmentLimit(int PermitLimit, TimeSpan Window)
{
    public DateTimeOffset WindowStartAt(DateTimeOffset now) => new(now.UtcTicks - (now.UtcTicks % Window.Ticks), TimeSpan.Zero);

    /// <summary>The document id of an institution's window: one document per institution and window.</summary>
    public static string IdOf(string institutionId, DateTimeOffset windowStart) => $"{institutionId}@{windowStart.UtcTicks}";

    /// <summary>The window with one more enrolment of <paramref name="institutionId"/> at <paramref name="now"/>.</summary>
    /// <param name="current">The institution's window at <paramref name="now"/>; null when it holds no enrolment yet.</param>
    /// <exception cref="RuleViolationException">The institution has reached the limit in this window; the message names the limit and when it ends.</exception>
    public EnrolmentWindow Counted(EnrolmentWindow? current, string institutionId, DateTimeOffset now)
    {
        var start = WindowStartAt(now);
        var count = current is not null && current.Start == start ? current.Count : 0;
        if (count >= PermitLimit)
        {
            throw new RuleViolationException(
                $"'{institutionId}' has enrolled {count} patients since {start:u}: the limit is {PermitLimit} per {Window:c} "
                + $"(Registry:Enrolment:PermitLimit per Registry:Enrolment:Window); more can be enrolled from {start + Window:u}.");
        }
        return new EnrolmentWindow(institutionId, start, count + 1);
    }
}
