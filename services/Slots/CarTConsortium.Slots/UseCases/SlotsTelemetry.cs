using System.Diagnostics.Metrics;
using CarTConsortium.Slots.Domain.Waitlist;

namespace CarTConsortium.Slots.UseCases;

/// <summary>Slots' metrics: the urgency hospitals declare, per institution, so a rise in emergencies shows on a dashboard.</summary>
public sealed class SlotsTelemetry
{
    public const string MeterName = "CarTConsortium.Slots";

    private readonly Counter<long> _requests;

    public SlotsTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _requests = meters.Create(MeterName).CreateCounter<long>("slots.run_requests", description: "Run requests answered, by declared urgency, country and institution");
    }

    public void Requested(UrgencyClass urgency, string country, string institutionId) =>
        _requests.Add(1,
            new KeyValuePair<string, object?>("urgency", urgency.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("country", country),
            new KeyValuePair<string, object?>("institution", institutionId));
}
