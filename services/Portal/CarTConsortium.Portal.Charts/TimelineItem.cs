namespace CarTConsortium.Portal.Charts;

/// <summary>
/// One dated step of a timeline: a booking's chain-of-custody step or a change in an
/// authorisation's history. The caller words the title and detail (in the user's language).
/// </summary>
/// <param name="When">When the step was taken.</param>
/// <param name="Title">What happened, e.g. "Apheresis received".</param>
/// <param name="Detail">A note or the fields that changed; optional.</param>
/// <param name="Who">Who took the step; optional.</param>
public sealed record TimelineItem(DateTimeOffset When, string Title, string? Detail = null, string? Who = null);
