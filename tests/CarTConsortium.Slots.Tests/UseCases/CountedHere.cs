using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.UseCases;
using CarTConsortium.Slots.UseCases.Allocation;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// What one counter records for this test's own calls: the measurements made in the flow that created
/// it and in the tasks started from there. Tests run in parallel and the counters are process-wide
/// (the retry loop is static), so what other tests record at the same time is not counted.
/// </summary>
public sealed class CountedHere : IDisposable
{
    private readonly AsyncLocal<bool> _here = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _byUseCase = new(StringComparer.Ordinal);
    private long _total;

    private CountedHere(string meterName, string instrumentName)
    {
        // Set in a constructor, not an async method: it stays set in the creating test's flow.
        _here.Value = true;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Attempts run again after a lost race (<see cref="ConflictRetry.RetriesName"/>).</summary>
    public static CountedHere ConflictRetries() => new(ConflictRetry.MeterName, ConflictRetry.RetriesName);

    /// <summary>Entries that found a ledger's gate taken and queued (<see cref="LedgerGates.WaitsName"/>).</summary>
    public static CountedHere LedgerGateWaits() => new(SlotsTelemetry.MeterName, LedgerGates.WaitsName);

    public long Total => Interlocked.Read(ref _total);

    /// <summary>The total by the measurements' <c>use_case</c> tag.</summary>
    public long Of(string useCase) => _byUseCase.GetValueOrDefault(useCase);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (!_here.Value)
        {
            return;
        }
        Interlocked.Add(ref _total, measurement);
        foreach (var tag in tags)
        {
            if (tag is { Key: "use_case", Value: string useCase })
            {
                _byUseCase.AddOrUpdate(useCase, measurement, (_, count) => count + measurement);
            }
        }
    }
}
