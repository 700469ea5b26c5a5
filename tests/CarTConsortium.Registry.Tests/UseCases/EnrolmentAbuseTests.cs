using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Patients;
using Microsoft.Extensions.Logging;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// Issue 15, failure 1 (bulk enrolment): one hospital coordinator enrolled 40 invented patients in
/// 0.3 s. Now an institution enrols at most Registry:Enrolment:PermitLimit patients per window; the
/// burst is refused past the limit, counted and logged by institution, and other institutions are unaffected.
/// </summary>
public sealed class EnrolmentAbuseTests : IAsyncLifetime
{
    private static readonly EnrolmentLimit TenAnHour = new(10, TimeSpan.FromHours(1));

    private readonly DefaultMeters _meters = new();
    private readonly CapturedLog _log = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string?> _refusedInstitutions = new();
    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_meters.Made(instrument.Meter) && instrument.Name == "registry.enrolments.refused")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "institution")
                {
                    for (var i = 0; i < value; i++)
                    {
                        _refusedInstitutions.Enqueue(tag.Value as string);
                    }
                }
            }
        });
        _listener.Start();
        _world = await CreateAsync(enrolmentLimit: TenAnHour, enrolmentTelemetry: new EnrolmentTelemetry(_meters, _log));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        _meters.Dispose();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task Forty_enrolments_in_a_burst_from_one_institution_stop_at_its_limit_and_another_institution_is_unaffected()
    {
        var burst = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => TryEnrolAsync(AstanaCoordinator, $"HOARD{i:D4}")));

        Assert.Equal(10, burst.Count(r => r is null));
        var refusals = burst.Where(r => r is not null).ToList();
        Assert.Equal(30, refusals.Count);
        Assert.All(refusals, r => Assert.Equal(
            "'kz-astana-childrens' has enrolled 10 patients since 2026-03-10 09:00:00Z: the limit is 10 per 01:00:00 "
            + "(Registry:Enrolment:PermitLimit per Registry:Enrolment:Window); more can be enrolled from 2026-03-10 10:00:00Z.", r));
        // A refused enrolment changed nothing: ten patients, ten events.
        Assert.Equal(10, (await _world.Store.ReadPendingAsync(1_000, None)).Count(m => m.Topic.EndsWith("PatientEnrolled", StringComparison.Ordinal)));

        // Another institution of another country enrols its full limit at the same instant.
        var tashkent = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => TryEnrolAsync(TashkentClinician, $"TASH{i:D4}", "UZ")));
        Assert.All(tashkent, Assert.Null);

        // The burst is noticed: counted and logged by institution, never by patient.
        Assert.Equal(Enumerable.Repeat<string?>(Astana, 30), _refusedInstitutions);
        Assert.Equal(30, _log.Lines.Count);
        Assert.All(_log.Lines, line => Assert.Equal((LogLevel.Warning,
            "Enrolment refused: institution kz-astana-childrens reached its limit of 10 enrolments per 01:00:00; a burst of enrolments from one institution"), line));
    }

    [Fact]
    public async Task The_next_window_admits_the_institution_again()
    {
        var first = await Task.WhenAll(Enumerable.Range(1, 11).Select(i => TryEnrolAsync(AstanaClinician, $"FIRST{i:D4}")));
        Assert.Equal(1, first.Count(r => r is not null));

        // 09:30 + 29 minutes: still the window from 09:00.
        _world.Clock.Advance(TimeSpan.FromMinutes(29));

        Assert.NotNull(await TryEnrolAsync(AstanaClinician, "LATER0001"));
        Assert.Null(await TryEnrolAsync(AlmatyClinician, "ALMATY0001", "KZ"));

        _world.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(await TryEnrolAsync(AstanaClinician, "NEXT0001"));
    }

    [Fact]
    public async Task A_patient_enrolled_twice_is_still_told_so_and_does_not_count()
    {
        Assert.Null(await TryEnrolAsync(AstanaClinician, "TWICE0001"));

        await Assert.ThrowsAsync<AlreadyExistsException>(() => _world.EnrolAsync(AstanaClinician, "TWICE0001", "KZ"));

        var rest = await Task.WhenAll(Enumerable.Range(1, 9).Select(i => TryEnrolAsync(AstanaClinician, $"REST{i:D4}")));
        Assert.All(rest, Assert.Null);
    }

    /// <summary>Null when enrolled; the FAILED_PRECONDITION message when refused.</summary>
    private async Task<string?> TryEnrolAsync(BuildingBlocks.Security.Caller caller, string nationalId, string country = "KZ")
    {
        try
        {
            await _world.EnrolAsync(caller, nationalId, country);
            return null;
        }
        catch (RuleViolationException refused)
        {
            return refused.Message;
        }
    }

    private sealed class CapturedLog : ILogger<EnrolmentTelemetry>
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue((logLevel, formatter(state, exception)));
    }
}
