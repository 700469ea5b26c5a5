using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Components.Shared;

namespace CarTConsortium.Portal.Components.Admin;

/// <summary>An institution as the admin enters it: new, or starting from the institution as it stands.</summary>
public sealed class InstitutionInput
{
    public string InstitutionId { get; set; } = "";
    public string Name { get; set; } = "";
    public string CountryCode { get; set; } = "";
    public InstitutionKind Kind { get; set; } = InstitutionKind.Unspecified;
    public AccreditationStatus AccreditationStatus { get; set; } = AccreditationStatus.Unspecified;
    public string AccreditationBody { get; set; } = "";
    public DateOnly? AccreditedUntil { get; set; }
    public int ProductionLines { get; set; }
    public int IcuBeds { get; set; }
    public bool Apheresis { get; set; }

    /// <summary>The treatment centre it refers to; empty for a hub.</summary>
    public string HubInstitutionId { get; set; } = "";

    public static InstitutionInput From(Institution institution) => new()
    {
        InstitutionId = institution.InstitutionId,
        Name = institution.Name,
        CountryCode = institution.CountryCode,
        Kind = institution.Kind,
        AccreditationStatus = institution.Accreditation?.Status ?? AccreditationStatus.Unspecified,
        AccreditationBody = institution.Accreditation?.Body ?? "",
        AccreditedUntil = institution.Accreditation?.ValidUntil is { Year: > 0 } d ? new DateOnly(d.Year, d.Month, d.Day) : null,
        ProductionLines = institution.Capabilities?.ProductionLines ?? 0,
        IcuBeds = institution.Capabilities?.IcuBeds ?? 0,
        Apheresis = institution.Capabilities?.Apheresis ?? false,
        HubInstitutionId = institution.HubInstitutionId,
    };

    public RegisterInstitutionRequest ToRegister() => new()
    {
        InstitutionId = InstitutionId.Trim(),
        Name = Name.Trim(),
        CountryCode = CountryCode,
        Kind = Kind,
        Accreditation = Accreditation(),
        Capabilities = Capabilities(),
        HubInstitutionId = HubInstitutionId,
    };

    /// <summary>Names the revision read, so that a change made meanwhile by someone else is not overwritten.</summary>
    public UpdateInstitutionRequest ToUpdate(Institution current) => new()
    {
        InstitutionId = current.InstitutionId,
        Name = Name.Trim(),
        Accreditation = Accreditation(),
        Capabilities = Capabilities(),
        HubInstitutionId = HubInstitutionId,
        ExpectedRevision = current.Revision?.Version ?? 0,
    };

    private Accreditation Accreditation()
    {
        var accreditation = new Accreditation { Status = AccreditationStatus, Body = AccreditationBody.Trim() };
        if (Formats.ToDate(AccreditedUntil) is { } until)
        {
            accreditation.ValidUntil = until;
        }
        return accreditation;
    }

    private Capabilities Capabilities() => new() { ProductionLines = ProductionLines, IcuBeds = IcuBeds, Apheresis = Apheresis };
}
