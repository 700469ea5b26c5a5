using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Portal.Components.Shared;

namespace CarTConsortium.Portal.Components.Regulator;

/// <summary>"May this product be used here?": the patient and place as typed; the API gives the answer and its reasons.</summary>
public sealed class UsageInput
{
    public string ProductId { get; set; } = "";
    public string CountryCode { get; set; } = "";
    public int? AgeYears { get; set; }
    public string Indication { get; set; } = "r/r B-ALL";
    public string InstitutionId { get; set; } = "";
    public DateOnly? Date { get; set; }

    public CheckUsageRequest ToRequest()
    {
        var request = new CheckUsageRequest
        {
            ProductId = ProductId,
            CountryCode = CountryCode.Trim().ToUpperInvariant(),
            AgeYears = AgeYears ?? 0,
            Indication = Indication.Trim(),
            InstitutionId = InstitutionId.Trim(),
        };
        if (Formats.ToDate(Date) is { } date)
        {
            request.Date = date;
        }
        return request;
    }
}
