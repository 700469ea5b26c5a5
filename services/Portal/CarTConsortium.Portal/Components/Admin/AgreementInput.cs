using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Components.Shared;

namespace CarTConsortium.Portal.Components.Admin;

/// <summary>An agreement between two member countries, as the admin enters it.</summary>
public sealed class SignAgreementInput
{
    public string FirstCountry { get; set; } = "";
    public string SecondCountry { get; set; } = "";
    public bool CrossBorderCare { get; set; } = true;
    public bool Shipment { get; set; }

    /// <summary>Door to door; sent only when shipment is covered.</summary>
    public int ShipmentLeadDays { get; set; }
    public DateOnly? EffectiveFrom { get; set; }
    public DateOnly? EndsOn { get; set; }

    public SignAgreementRequest ToRequest()
    {
        var request = new SignAgreementRequest
        {
            CountryCodes = { FirstCountry, SecondCountry },
            CrossBorderCare = CrossBorderCare,
            Shipment = Shipment,
            ShipmentLeadDays = Shipment ? ShipmentLeadDays : 0,
            EffectiveFrom = Formats.ToDate(EffectiveFrom),
        };
        if (Formats.ToDate(EndsOn) is { } ends)
        {
            request.EndsOn = ends;
        }
        return request;
    }
}

/// <summary>The last day an agreement holds, sent with the revision read.</summary>
public sealed class EndAgreementInput
{
    public DateOnly? EndsOn { get; set; }

    public static EndAgreementInput From(Agreement agreement) => new()
    {
        EndsOn = agreement.EndsOn is { Year: > 0 } d ? new DateOnly(d.Year, d.Month, d.Day) : null,
    };

    public EndAgreementRequest ToRequest(Agreement current) => new()
    {
        AgreementId = current.AgreementId,
        EndsOn = Formats.ToDate(EndsOn),
        ExpectedRevision = current.Revision?.Version ?? 0,
    };
}
