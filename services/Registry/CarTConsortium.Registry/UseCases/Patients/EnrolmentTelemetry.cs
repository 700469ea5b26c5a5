using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <summary>Makes a burst of enrolments visible: a counter of refused enrolments by institution, and a warning naming the institution.</summary>
public sealed partial class EnrolmentTelemetry
{
    public const string MeterName = "CarTConsortium.Registry";

    private readonly Counter<long> _refused;
    private readonly ILogger<EnrolmentTelemetry> _logger;

    public EnrolmentTelemetry(IMeterFactory meters, ILogger<EnrolmentTelemetry> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _refused = meters.Create(MeterName).CreateCounter<long>("registry.enrolments.refused",
            description: "Enrolments refused because the institution reached its limit (Registry:Enrolment)");
        _logger = logger;
    }

    public void Refused(string institutionId, int permitLimit, TimeSpan window)
    {
        _refused.Add(1, new KeyValuePair<string, object?>("institution", institutionId));
        LogRefused(institutionId, permitLimit, window);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Enrolment refused: institution {InstitutionId} reached its limit of {PermitLimit} enrolments per {Window}; a burst of enrolments from one institution")]
    private partial void LogRefused(string institutionId, int permitLimit, TimeSpan window);
}
