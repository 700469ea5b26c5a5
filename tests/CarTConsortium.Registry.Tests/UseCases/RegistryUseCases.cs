using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Members;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Registry.UseCases.Products;
using CarTConsortium.Registry.UseCases.Statistics;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>Every use case of the registry over one store and clock, as the module wires them.</summary>
/// <param name="enrolmentLimit">
/// The per-institution enrolment limit; by default one the tests' cohorts never reach (they enrol
/// whole cohorts at one instant). <see cref="EnrolmentAbuseTests"/> sets the real one.
/// </param>
internal class RegistryUseCases(IDocumentStore store, TimeProvider clock, Pseudonymiser pseudonymiser, EnrolmentLimit? enrolmentLimit = null,
    EnrolmentTelemetry? enrolmentTelemetry = null, StatisticsSnapshots? statisticsSnapshots = null, EnrolmentGates? enrolmentGates = null)
{
    /// <summary>Telemetry nobody listens to, for the tests that do not look at it.</summary>
    public static EnrolmentTelemetry QuietTelemetry { get; } = new(new DefaultMeters(), Microsoft.Extensions.Logging.Abstractions.NullLogger<EnrolmentTelemetry>.Instance);

    /// <summary>The process's one shared statistics cube, as the module registers it (declared first: the use cases below take it).</summary>
    public StatisticsSnapshots StatisticsSnapshots { get; } = statisticsSnapshots ??= new(clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<StatisticsSnapshots>.Instance);
    /// <summary>The process's enrolment gates, as the module registers them (declared before the use case that takes them).</summary>
    public EnrolmentGates EnrolmentGates { get; } = enrolmentGates ??= new(new DefaultMeters());
    public AdmitCountry AdmitCountry { get; } = new(store, clock);
    public ListCountries ListCountries { get; } = new(store);
    public SignAgreement SignAgreement { get; } = new(store, clock);
    public EndAgreement EndAgreement { get; } = new(store, clock);
    public ListAgreements ListAgreements { get; } = new(store);
    public RegisterInstitution RegisterInstitution { get; } = new(store, clock);
    public UpdateInstitution UpdateInstitution { get; } = new(store, clock);
    public GetInstitution GetInstitution { get; } = new(store);
    public ListInstitutions ListInstitutions { get; } = new(store);
    public RegisterProduct RegisterProduct { get; } = new(store, clock);
    public GetProduct GetProduct { get; } = new(store);
    public ListProducts ListProducts { get; } = new(store);
    public EnrolPatient EnrolPatient { get; } = new(store, clock, pseudonymiser,
        enrolmentLimit ?? new EnrolmentLimit(EnrolmentSettings.MaxPermitLimit, TimeSpan.FromMinutes(1)), enrolmentTelemetry ?? QuietTelemetry,
        enrolmentGates!);
    public GetPatient GetPatient { get; } = new(store, clock);
    public ListPatients ListPatients { get; } = new(store, clock);
    public ChangeConsent ChangeConsent { get; } = new(store, clock, statisticsSnapshots!);
    public RecordInfusion RecordInfusion { get; } = new(store, clock, statisticsSnapshots!);
    public RecordOutcome RecordOutcome { get; } = new(store, clock, statisticsSnapshots!);
    public ListAccessLog ListAccessLog { get; } = new(store);
    public GetStatistics GetStatistics => new(store, StatisticsReleaseCubes);
    public BuildStatisticsTallies BuildStatisticsTallies { get; } = new(store, statisticsSnapshots!);
    public PublishStatisticsRelease PublishStatisticsRelease { get; } = new(store, clock);
    public StatisticsReleaseCubes StatisticsReleaseCubes { get; } = new();
}

/// <summary>A meter factory without a container, for telemetry the tests build by hand.</summary>
internal sealed class DefaultMeters : System.Diagnostics.Metrics.IMeterFactory
{
    private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

    public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
    {
        var meter = new System.Diagnostics.Metrics.Meter(options);
        lock (_meters)
        {
            _meters.Add(meter);
        }
        return meter;
    }

    /// <summary>Whether this factory made <paramref name="meter"/>: a listener counts only its own test's measurements.</summary>
    public bool Made(System.Diagnostics.Metrics.Meter meter)
    {
        lock (_meters)
        {
            return _meters.Contains(meter);
        }
    }

    public void Dispose()
    {
        lock (_meters)
        {
            _meters.ForEach(m => m.Dispose());
            _meters.Clear();
        }
    }
}
