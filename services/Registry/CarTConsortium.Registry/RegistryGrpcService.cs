using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Registry.Members;
using CarTConsortium.Registry.Patients;
using CarTConsortium.Registry.Products;
using CarTConsortium.Registry.Statistics;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;
using static CarTConsortium.Registry.RegistryMapping;

namespace CarTConsortium.Registry;

/// <summary>The registry's gRPC (and, through transcoding, REST/JSON) face: translation only.</summary>
public sealed class RegistryGrpcService(ProductCatalogue catalogue, MemberDirectory members, PatientRegistry patients, ConsortiumStatistics statistics)
    : RegistryService.RegistryServiceBase
{
    // ---- members

    public override async Task<Contracts.Registry.V1.Country> AdmitCountry(AdmitCountryRequest request, ServerCallContext context) =>
        ToContract(await members.AdmitCountryAsync(request.CountryCode, request.Name, FromContract(request.Membership), context.CancellationToken));

    public override async Task<ListCountriesResponse> ListCountries(ListCountriesRequest request, ServerCallContext context)
    {
        var (countries, next) = await members.ListCountriesAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken,
            FromContract(request.Membership), context.CancellationToken);
        return new ListCountriesResponse { Countries = { countries.Select(ToContract) }, NextPageToken = next };
    }

    public override async Task<Contracts.Registry.V1.Agreement> SignAgreement(SignAgreementRequest request, ServerCallContext context) =>
        ToContract(await members.SignAgreementAsync(request.CountryCodes, request.CrossBorderCare, request.Shipment, request.ShipmentLeadDays,
            FromContract(request.EffectiveFrom), FromContract(request.EndsOn), context.CancellationToken));

    public override async Task<Contracts.Registry.V1.Agreement> EndAgreement(EndAgreementRequest request, ServerCallContext context) =>
        ToContract(await members.EndAgreementAsync(request.AgreementId, FromContract(request.EndsOn), request.ExpectedRevision, context.CancellationToken));

    public override async Task<ListAgreementsResponse> ListAgreements(ListAgreementsRequest request, ServerCallContext context)
    {
        var (agreements, next) = await members.ListAgreementsAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.CountryCode, context.CancellationToken);
        return new ListAgreementsResponse { Agreements = { agreements.Select(ToContract) }, NextPageToken = next };
    }

    public override async Task<Contracts.Registry.V1.Institution> RegisterInstitution(RegisterInstitutionRequest request, ServerCallContext context) =>
        ToContract(await members.RegisterInstitutionAsync(request.InstitutionId, request.Name, request.CountryCode, FromContract(request.Kind),
            FromContract(request.Accreditation), FromContract(request.Capabilities), request.HubInstitutionId, context.CancellationToken));

    public override async Task<Contracts.Registry.V1.Institution> UpdateInstitution(UpdateInstitutionRequest request, ServerCallContext context) =>
        ToContract(await members.UpdateInstitutionAsync(request.InstitutionId, request.Name, FromContract(request.Accreditation),
            FromContract(request.Capabilities), request.HubInstitutionId, request.ExpectedRevision, context.CancellationToken));

    public override async Task<Contracts.Registry.V1.Institution> GetInstitution(GetInstitutionRequest request, ServerCallContext context) =>
        ToContract(await members.GetInstitutionAsync(request.InstitutionId, context.CancellationToken));

    public override async Task<ListInstitutionsResponse> ListInstitutions(ListInstitutionsRequest request, ServerCallContext context)
    {
        var (institutions, next) = await members.ListInstitutionsAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.CountryCode,
            FromContract(request.Kind), context.CancellationToken);
        return new ListInstitutionsResponse { Institutions = { institutions.Select(ToContract) }, NextPageToken = next };
    }

    // ---- products

    public override async Task<Contracts.Registry.V1.Product> RegisterProduct(RegisterProductRequest request, ServerCallContext context) =>
        ToContract(await catalogue.RegisterAsync(request.ProductId, request.Name, request.TargetAntigen,
            FromContract(request.CellSource), request.Manufacturer, context.CancellationToken));

    public override async Task<Contracts.Registry.V1.Product> GetProduct(GetProductRequest request, ServerCallContext context) =>
        ToContract(await catalogue.GetAsync(request.ProductId, context.CancellationToken));

    public override async Task<ListProductsResponse> ListProducts(ListProductsRequest request, ServerCallContext context)
    {
        var (products, next) = await catalogue.ListAsync(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.Manufacturer, context.CancellationToken);
        return new ListProductsResponse { Products = { products.Select(ToContract) }, NextPageToken = next };
    }

    // ---- patients

    public override async Task<Patient> EnrolPatient(EnrolPatientRequest request, ServerCallContext context) =>
        ToContract(await patients.EnrolAsync(context.Caller(), request.NationalId, request.CountryCode, request.TreatingInstitutionId,
            request.BirthYear, request.BirthMonth, FromContract(request.Sex), FromContract(request.Diagnosis?.DiseaseStatus ?? default),
            FromContract(request.Diagnosis?.Cd19Status ?? default), request.Diagnosis?.PriorLines ?? 0, FromContract(request.Consents), context.CancellationToken));

    public override async Task<Patient> GetPatient(GetPatientRequest request, ServerCallContext context) =>
        ToContract(await patients.GetAsync(context.Caller(), request.Pseudonym, FromContract(request.Purpose), request.Justification, context.CancellationToken));

    public override async Task<ListPatientsResponse> ListPatients(ListPatientsRequest request, ServerCallContext context)
    {
        var (records, next) = await patients.ListAsync(context.Caller(), request.Page?.PageSize ?? 0, request.Page?.PageToken, FromContract(request.Purpose),
            request.Justification, request.TreatingInstitutionId, request.CountryCode, context.CancellationToken);
        return new ListPatientsResponse { Patients = { records.Select(ToContract) }, NextPageToken = next };
    }

    public override async Task<Patient> ChangeConsent(ChangeConsentRequest request, ServerCallContext context) =>
        ToContract(await patients.ChangeConsentAsync(context.Caller(), request.Pseudonym, FromContract(request.Consents), request.ExpectedRevision, context.CancellationToken));

    public override async Task<Patient> RecordInfusion(RecordInfusionRequest request, ServerCallContext context) =>
        ToContract(await patients.RecordInfusionAsync(context.Caller(), request.Pseudonym, request.ProductId, request.DoseMillionCellsPerKg,
            FromContract(request.InfusedOn), request.BookingId, context.CancellationToken));

    public override async Task<Patient> RecordOutcome(RecordOutcomeRequest request, ServerCallContext context) =>
        ToContract(await patients.RecordOutcomeAsync(context.Caller(), request.Pseudonym, FromContract(request.OccurredOn), ReportOf(request), context.CancellationToken));

    public override async Task<ListAccessLogResponse> ListAccessLog(ListAccessLogRequest request, ServerCallContext context)
    {
        var (entries, next) = await patients.ListAccessLogAsync(context.Caller(), request.Page?.PageSize ?? 0, request.Page?.PageToken, request.Pseudonym, context.CancellationToken);
        return new ListAccessLogResponse { Entries = { entries.Select(ToContract) }, NextPageToken = next };
    }

    // ---- statistics

    public override async Task<Contracts.Registry.V1.Statistics> GetStatistics(GetStatisticsRequest request, ServerCallContext context)
    {
        var (slice, computedAt) = await statistics.GetAsync([.. request.GroupBy.Select(FromContract)], request.CountryCode, request.ProductId,
            request.Year, context.CancellationToken);
        return ToContract(slice, computedAt);
    }
}
