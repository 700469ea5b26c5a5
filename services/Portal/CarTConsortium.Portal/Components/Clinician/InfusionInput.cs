using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Components.Shared;

namespace CarTConsortium.Portal.Components.Clinician;

/// <summary>An infusion as the clinician enters it.</summary>
public sealed class InfusionInput
{
    public string ProductId { get; set; } = "";
    public double? DoseMillionCellsPerKg { get; set; }
    public DateOnly? InfusedOn { get; set; }
    public string BookingId { get; set; } = "";

    public RecordInfusionRequest ToRequest(string pseudonym)
    {
        var request = new RecordInfusionRequest
        {
            Pseudonym = pseudonym,
            ProductId = ProductId,
            DoseMillionCellsPerKg = DoseMillionCellsPerKg ?? 0,
            BookingId = BookingId.Trim(),
        };
        if (Formats.ToDate(InfusedOn) is { } day)
        {
            request.InfusedOn = day;
        }
        return request;
    }
}
