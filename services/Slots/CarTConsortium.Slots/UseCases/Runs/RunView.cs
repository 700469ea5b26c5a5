using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Runs;

namespace CarTConsortium.Slots.UseCases.Runs;

/// <summary>A run as the contract shows it: the run and the places taken in it.</summary>
public sealed record RunView(Stored<ManufacturingRun> Stored, int Booked);
