using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Waitlist;

namespace CarTConsortium.Slots.UseCases.Waitlist;

/// <summary>A waitlist entry as one caller may see it: whether its pseudonym is shown is decided here, not by the API.</summary>
public sealed record WaitlistEntryView(Stored<WaitlistEntry> Stored, bool ShowsPseudonym, bool ShowsJustification)
{
    /// <summary>The entry as <paramref name="caller"/> sees it (<see cref="WaitlistAccess.SeesPseudonym"/>, <see cref="WaitlistAccess.SeesJustification"/>).</summary>
    public static WaitlistEntryView For(Caller caller, Stored<WaitlistEntry> stored) =>
        new(stored, WaitlistAccess.SeesPseudonym(caller, stored.Value), WaitlistAccess.SeesJustification(caller, stored.Value));
}
