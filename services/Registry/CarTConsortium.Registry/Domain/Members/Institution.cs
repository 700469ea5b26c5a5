using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Registry.Domain.Members;

public enum InstitutionKind
{
    TreatmentCentre,
    ManufacturingSite,
    ApheresisCentre,
    ReferralHospital,
}

public enum AccreditationStatus
{
    Accredited,
    Provisional,
    Suspended,
    None,
}

/// <param name="ValidUntil">Null only when the status is None.</param>
public sealed record Accreditation(AccreditationStatus Status, string Body, DateOnly? ValidUntil);

/// <param name="ProductionLines">Manufacturing lines, e.g. CliniMACS Prodigy devices.</param>
public sealed record Capabilities(int ProductionLines, int IcuBeds, bool Apheresis);

/// <summary>
/// A hospital, GMP site or apheresis centre of a member country. Its id is also the
/// <c>org</c> claim of its tokens, which is how "your own institution" is decided.
/// </summary>
/// <param name="HubInstitutionId">The treatment centre this one refers patients to (hub and spoke); null for a hub.</param>
public sealed record Institution(
    string InstitutionId,
    string Name,
    string CountryCode,
    InstitutionKind Kind,
    Accreditation Accreditation,
    Capabilities Capabilities,
    string? HubInstitutionId,
    DateTimeOffset RegisteredAt)
{
    public const int MaxProductionLines = 100;
    public const int MaxIcuBeds = 500;

    /// <summary>The accreditation and capabilities as a caller sends them: enums null when unspecified.</summary>
    public sealed record AccreditationInput(AccreditationStatus? Status, string? Body, DateParts? ValidUntil);

    public static Institution Register(string institutionId, string name, string countryCode, InstitutionKind? kind,
        AccreditationInput? accreditation, Capabilities? capabilities, string? hubInstitutionId, DateTimeOffset now)
    {
        var validator = new Validator()
            .Slug(institutionId, "institution_id")
            .CountryCode(countryCode, "country_code")
            .Check(kind is not null, "kind", "must be TREATMENT_CENTRE, MANUFACTURING_SITE, APHERESIS_CENTRE or REFERRAL_HOSPITAL");
        var details = CheckDetails(institutionId, name, kind, accreditation, capabilities, hubInstitutionId, validator);
        validator.ThrowIfInvalid();
        return new Institution(institutionId, name.Trim(), countryCode, kind!.Value, details.Accreditation, details.Capabilities, details.Hub, now);
    }

    /// <summary>The institution with new details; its id, country and kind never change.</summary>
    public Institution Update(string name, AccreditationInput? accreditation, Capabilities? capabilities, string? hubInstitutionId)
    {
        var validator = new Validator();
        var details = CheckDetails(InstitutionId, name, Kind, accreditation, capabilities, hubInstitutionId, validator);
        validator.ThrowIfInvalid();
        return this with { Name = name.Trim(), Accreditation = details.Accreditation, Capabilities = details.Capabilities, HubInstitutionId = details.Hub };
    }

    private static (Accreditation Accreditation, Capabilities Capabilities, string? Hub) CheckDetails(string institutionId, string name,
        InstitutionKind? kind, AccreditationInput? accreditation, Capabilities? capabilities, string? hubInstitutionId, Validator validator)
    {
        validator.Required(name, "name").MaxLength(name, 200, "name");

        var status = accreditation?.Status;
        validator.Check(status is not null, "accreditation.status", "must be ACCREDITED, PROVISIONAL, SUSPENDED or NONE");
        var accredited = status is not null and not AccreditationStatus.None;
        var body = accreditation?.Body?.Trim() ?? "";
        DateOnly? validUntil = null;
        if (accredited)
        {
            validator.Required(body, "accreditation.body").MaxLength(body, 100, "accreditation.body");
            validUntil = validator.CalendarDay(accreditation!.ValidUntil, "accreditation.valid_until");
        }
        else if (status is AccreditationStatus.None)
        {
            validator.Check(body.Length == 0, "accreditation.body", "must be empty when the status is NONE");
            validator.Check(accreditation!.ValidUntil is null or { Year: 0, Month: 0, Day: 0 }, "accreditation.valid_until", "must be empty when the status is NONE");
        }

        var caps = capabilities ?? new Capabilities(0, 0, false);
        validator
            .Check(caps.ProductionLines is >= 0 and <= MaxProductionLines, "capabilities.production_lines", $"must be 0 to {MaxProductionLines}")
            .Check(caps.IcuBeds is >= 0 and <= MaxIcuBeds, "capabilities.icu_beds", $"must be 0 to {MaxIcuBeds}");
        if (kind == InstitutionKind.ManufacturingSite)
        {
            validator.Check(caps.ProductionLines >= 1, "capabilities.production_lines", "a manufacturing site has at least 1 production line");
        }

        var hub = string.IsNullOrEmpty(hubInstitutionId) ? null : hubInstitutionId;
        if (hub is not null)
        {
            validator.Slug(hub, "hub_institution_id");
            validator.Check(hub != institutionId, "hub_institution_id", "an institution is not its own hub");
        }
        return (new Accreditation(status ?? AccreditationStatus.None, accredited ? body : "", validUntil), caps, hub);
    }
}
