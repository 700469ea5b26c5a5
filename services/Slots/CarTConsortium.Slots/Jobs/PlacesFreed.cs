using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Slots.Jobs;

/// <summary>Tells the housekeeping job that places were freed or became bookable, so the waitlist is offered them now rather than at the next interval.</summary>
public sealed class PlacesFreed : WakeUpSignal;
