using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Allocation;

namespace CarTConsortium.Slots;

/// <summary>Settings of the slots service ("Slots" section).</summary>
public sealed class SlotsOptions
{
    public const string Section = "Slots";

    /// <summary>How long a hold lasts unless the hospital confirms it.</summary>
    public TimeSpan HoldTime { get; set; } = TimeSpan.FromHours(48);

    /// <summary>How long the head of the waitlist has to accept a run offered to it.</summary>
    public TimeSpan OfferTime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often lapsed holds are released and freed places offered to the waitlist (also at once when a place is freed).</summary>
    public TimeSpan HousekeepingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The published seed of the waitlist's lottery among equals.</summary>
    public int LotterySeed { get; set; } = 2026;

    public FairnessOptions Fairness { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (HoldTime <= TimeSpan.Zero || HoldTime > TimeSpan.FromDays(14))
        {
            yield return "Slots:HoldTime must be over 0 and at most 14 days.";
        }
        if (OfferTime <= TimeSpan.Zero || OfferTime > TimeSpan.FromDays(14))
        {
            yield return "Slots:OfferTime must be over 0 and at most 14 days.";
        }
        if (HousekeepingInterval <= TimeSpan.Zero || HousekeepingInterval > TimeSpan.FromHours(1))
        {
            yield return "Slots:HousekeepingInterval must be over 0 and at most 1 hour.";
        }
        foreach (var problem in Fairness.Problems())
        {
            yield return problem;
        }
    }
}

/// <summary>Tells the housekeeping job that places were freed or became bookable, so the waitlist is offered them now rather than at the next interval.</summary>
public sealed class PlacesFreed : WakeUpSignal;
