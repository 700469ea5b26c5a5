using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Procurement.Jobs;

/// <summary>Wakes the closing job when a pool opens, so that it learns the new closing time at once.</summary>
public sealed class PoolsOpened : WakeUpSignal;
