using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.ServiceDefaults;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Api;

/// <summary>Between the registry's stored records and its protobuf contract (the events use it too: they carry what the API shows).</summary>
internal static partial class RegistryMapping
{
    public static Contract.Product ToContract(Stored<Domain.Products.Product> stored) => new()
    {
        ProductId = stored.Value.ProductId,
        Name = stored.Value.Name,
        TargetAntigen = stored.Value.TargetAntigen,
        CellSource = stored.Value.CellSource switch
        {
            Domain.Products.CellSource.Autologous => Contract.CellSource.Autologous,
            _ => Contract.CellSource.Allogeneic,
        },
        Manufacturer = stored.Value.Manufacturer,
        RegisteredAt = Timestamp.FromDateTimeOffset(stored.Value.RegisteredAt),
        Revision = Revision(stored),
    };

    public static Domain.Products.CellSource? FromContract(Contract.CellSource source) => source switch
    {
        Contract.CellSource.Autologous => Domain.Products.CellSource.Autologous,
        Contract.CellSource.Allogeneic => Domain.Products.CellSource.Allogeneic,
        _ => null,
    };

    public static Contract.Country ToContract(Stored<Country> stored) => new()
    {
        CountryCode = stored.Value.CountryCode,
        Name = stored.Value.Name,
        Membership = stored.Value.Membership == Membership.Member ? Contract.Membership.Member : Contract.Membership.Reference,
        AdmittedAt = Timestamp.FromDateTimeOffset(stored.Value.AdmittedAt),
        Revision = Revision(stored),
    };

    public static Membership? FromContract(Contract.Membership membership) => membership switch
    {
        Contract.Membership.Member => Membership.Member,
        Contract.Membership.Reference => Membership.Reference,
        _ => null,
    };

    public static Contract.Agreement ToContract(Stored<Agreement> stored) => new()
    {
        AgreementId = stored.Value.AgreementId,
        CountryCodes = { stored.Value.CountryCodes },
        CrossBorderCare = stored.Value.CrossBorderCare,
        Shipment = stored.Value.Shipment,
        ShipmentLeadDays = stored.Value.ShipmentLeadDays,
        EffectiveFrom = ToContract(stored.Value.EffectiveFrom),
        EndsOn = ToContract(stored.Value.EndsOn),
        SignedAt = Timestamp.FromDateTimeOffset(stored.Value.SignedAt),
        Revision = Revision(stored),
    };

    public static Contract.Institution ToContract(Stored<Institution> stored) => new()
    {
        InstitutionId = stored.Value.InstitutionId,
        Name = stored.Value.Name,
        CountryCode = stored.Value.CountryCode,
        Kind = stored.Value.Kind switch
        {
            InstitutionKind.TreatmentCentre => Contract.InstitutionKind.TreatmentCentre,
            InstitutionKind.ManufacturingSite => Contract.InstitutionKind.ManufacturingSite,
            InstitutionKind.ApheresisCentre => Contract.InstitutionKind.ApheresisCentre,
            _ => Contract.InstitutionKind.ReferralHospital,
        },
        Accreditation = new Contract.Accreditation
        {
            Status = stored.Value.Accreditation.Status switch
            {
                AccreditationStatus.Accredited => Contract.AccreditationStatus.Accredited,
                AccreditationStatus.Provisional => Contract.AccreditationStatus.Provisional,
                AccreditationStatus.Suspended => Contract.AccreditationStatus.Suspended,
                _ => Contract.AccreditationStatus.None,
            },
            Body = stored.Value.Accreditation.Body,
            ValidUntil = ToContract(stored.Value.Accreditation.ValidUntil),
        },
        Capabilities = new Contract.Capabilities
        {
            ProductionLines = stored.Value.Capabilities.ProductionLines,
            IcuBeds = stored.Value.Capabilities.IcuBeds,
            Apheresis = stored.Value.Capabilities.Apheresis,
        },
        HubInstitutionId = stored.Value.HubInstitutionId ?? "",
        RegisteredAt = Timestamp.FromDateTimeOffset(stored.Value.RegisteredAt),
        Revision = Revision(stored),
    };

    public static InstitutionKind? FromContract(Contract.InstitutionKind kind) => kind switch
    {
        Contract.InstitutionKind.TreatmentCentre => InstitutionKind.TreatmentCentre,
        Contract.InstitutionKind.ManufacturingSite => InstitutionKind.ManufacturingSite,
        Contract.InstitutionKind.ApheresisCentre => InstitutionKind.ApheresisCentre,
        Contract.InstitutionKind.ReferralHospital => InstitutionKind.ReferralHospital,
        _ => null,
    };

    public static Institution.AccreditationInput? FromContract(Contract.Accreditation? accreditation) => accreditation is null
        ? null
        : new Institution.AccreditationInput(
            accreditation.Status switch
            {
                Contract.AccreditationStatus.Accredited => AccreditationStatus.Accredited,
                Contract.AccreditationStatus.Provisional => AccreditationStatus.Provisional,
                Contract.AccreditationStatus.Suspended => AccreditationStatus.Suspended,
                Contract.AccreditationStatus.None => AccreditationStatus.None,
                _ => null,
            },
            accreditation.Body,
            FromContract(accreditation.ValidUntil));

    public static Capabilities? FromContract(Contract.Capabilities? capabilities) =>
        capabilities is null ? null : new Capabilities(capabilities.ProductionLines, capabilities.IcuBeds, capabilities.Apheresis);

    public static Google.Type.Date? ToContract(DateOnly? day) => day.ToContractDate();

    public static DateParts? FromContract(Google.Type.Date? date) => date.ToDateParts();

    private static Contracts.Common.V1.Revision Revision<T>(Stored<T> stored) => new() { Version = stored.Version };
}
