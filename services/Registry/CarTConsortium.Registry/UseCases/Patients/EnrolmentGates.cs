using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Concurrency;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <summary>
/// One gate per treating institution in this process: enrolments of one institution all count in its
/// enrolment window, so they queue here first come, first served instead of racing for that document
/// and retrying, where fresh requests could overtake one that backed off until it gave up. Other replicas
/// are still kept apart by the window's version check. A singleton: one per module instance.
/// </summary>
public sealed class EnrolmentGates(IMeterFactory meters)
{
    /// <summary>The counter of enrolments that found their institution's gate taken and queued (meter <see cref="EnrolmentTelemetry.MeterName"/>).</summary>
    public const string WaitsName = "registry.enrolment_gate_waits";

    private readonly KeyedGates _gates = new(meters, EnrolmentTelemetry.MeterName, WaitsName,
        "Enrolment gates found taken: an enrolment queued behind another of the same institution in this process");

    /// <summary>Gates that someone holds or waits for now.</summary>
    public int Open => _gates.Open;

    /// <summary>Enters the gate of <paramref name="institutionId"/>; dispose the pass after the commit.</summary>
    public Task<KeyedGates.Pass> EnterAsync(string institutionId, CancellationToken ct) => _gates.EnterAsync(institutionId, ct);
}
