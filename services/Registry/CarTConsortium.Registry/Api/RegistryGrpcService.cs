using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Registry.UseCases.Members;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Registry.UseCases.Products;
using CarTConsortium.Registry.UseCases.Statistics;
using CarTConsortium.ServiceDefaults.Security;
using Grpc.Core;
using static CarTConsortium.Registry.Api.RegistryMapping;

namespace CarTConsortium.Registry.Api;

/// <summary>
/// The registry's gRPC (and, through transcoding, REST/JSON) face: each RPC maps its request
/// to a command, calls one use case and maps the result. Who may call which RPC is the
/// module's access table; everything else is the use cases' and the domain's.
/// </summary>
public sealed class RegistryGrpcService(
    AdmitCountry admitCountry, ListCountries listCountries,
    SignAgreement signAgreement, EndAgreement endAgreement, ListAgreements listAgreements,
    RegisterInstitution registerInstitution, UpdateInstitution updateInstitution, GetInstitution getInstitution, ListInstitutions listInstitutions,
    RegisterProduct registerProduct, GetProduct getProduct, ListProducts listProducts,
    EnrolPatient enrolPatient, GetPatient getPatient, ListPatients listPatients, ChangeConsent changeConsent,
    RecordInfusion recordInfusion, RecordOutcome recordOutcome, ListAccessLog listAccessLog,
    GetStatistics getStatistics, PublishStatisticsRelease publishStatisticsRelease, ListStatisticsReleases listStatisticsReleases)
    : RegistryService.RegistryServiceBase
{
    // ---- members

    public override async Task<Contracts.Registry.V1.Country> AdmitCountry(AdmitCountryRequest request, ServerCallContext context) =>
        ToContract(await admitCountry.ExecuteAsync(new AdmitCountryCommand(request.CountryCode, request.Name, FromContract(request.Membership)),
            context.CancellationToken));

    public override async Task<ListCountriesResponse> ListCountries(ListCountriesRequest request, ServerCallContext context)
    {
        var result = await listCountries.ExecuteAsync(new ListCountriesCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken,
            FromContract(request.Membership)), context.CancellationToken);
        return new ListCountriesResponse { Countries = { result.Countries.Select(ToContract) }, NextPageToken = result.NextPageToken };
    }

    public override async Task<Contracts.Registry.V1.Agreement> SignAgreement(SignAgreementRequest request, ServerCallContext context) =>
        ToContract(await signAgreement.ExecuteAsync(new SignAgreementCommand(request.CountryCodes, request.CrossBorderCare, request.Shipment,
            request.ShipmentLeadDays, FromContract(request.EffectiveFrom), FromContract(request.EndsOn)), context.CancellationToken));

    public override async Task<Contracts.Registry.V1.Agreement> EndAgreement(EndAgreementRequest request, ServerCallContext context) =>
        ToContract(await endAgreement.ExecuteAsync(new EndAgreementCommand(request.AgreementId, FromContract(request.EndsOn), request.ExpectedRevision),
            context.CancellationToken));

    public override async Task<ListAgreementsResponse> ListAgreements(ListAgreementsRequest request, ServerCallContext context)
    {
        var result = await listAgreements.ExecuteAsync(new ListAgreementsCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.CountryCode),
            context.CancellationToken);
        return new ListAgreementsResponse { Agreements = { result.Agreements.Select(ToContract) }, NextPageToken = result.NextPageToken };
    }

    public override async Task<Contracts.Registry.V1.Institution> RegisterInstitution(RegisterInstitutionRequest request, ServerCallContext context) =>
        ToContract(await registerInstitution.ExecuteAsync(new RegisterInstitutionCommand(request.InstitutionId, request.Name, request.CountryCode,
            FromContract(request.Kind), FromContract(request.Accreditation), FromContract(request.Capabilities), request.HubInstitutionId),
            context.CancellationToken));

    public override async Task<Contracts.Registry.V1.Institution> UpdateInstitution(UpdateInstitutionRequest request, ServerCallContext context) =>
        ToContract(await updateInstitution.ExecuteAsync(new UpdateInstitutionCommand(request.InstitutionId, request.Name, FromContract(request.Accreditation),
            FromContract(request.Capabilities), request.HubInstitutionId, request.ExpectedRevision), context.CancellationToken));

    public override async Task<Contracts.Registry.V1.Institution> GetInstitution(GetInstitutionRequest request, ServerCallContext context) =>
        ToContract(await getInstitution.ExecuteAsync(new GetInstitutionCommand(request.InstitutionId), context.CancellationToken));

    public override async Task<ListInstitutionsResponse> ListInstitutions(ListInstitutionsRequest request, ServerCallContext context)
    {
        var result = await listInstitutions.ExecuteAsync(new ListInstitutionsCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken,
            request.CountryCode, FromContract(request.Kind)), context.CancellationToken);
        return new ListInstitutionsResponse { Institutions = { result.Institutions.Select(ToContract) }, NextPageToken = result.NextPageToken };
    }

    // ---- products

    public override async Task<Contracts.Registry.V1.Product> RegisterProduct(RegisterProductRequest request, ServerCallContext context) =>
        ToContract(await registerProduct.ExecuteAsync(new RegisterProductCommand(request.ProductId, request.Name, request.TargetAntigen,
            FromContract(request.CellSource), request.Manufacturer), context.CancellationToken));

    public override async Task<Contracts.Registry.V1.Product> GetProduct(GetProductRequest request, ServerCallContext context) =>
        ToContract(await getProduct.ExecuteAsync(new GetProductCommand(request.ProductId), context.CancellationToken));

    public override async Task<ListProductsResponse> ListProducts(ListProductsRequest request, ServerCallContext context)
    {
        var result = await listProducts.ExecuteAsync(new ListProductsCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.Manufacturer),
            context.CancellationToken);
        return new ListProductsResponse { Products = { result.Products.Select(ToContract) }, NextPageToken = result.NextPageToken };
    }

    // ---- patients

    public override async Task<Patient> EnrolPatient(EnrolPatientRequest request, ServerCallContext context) =>
        ToContract(await enrolPatient.ExecuteAsync(new EnrolPatientCommand(request.NationalId, request.CountryCode, request.TreatingInstitutionId,
            request.BirthYear, request.BirthMonth, FromContract(request.Sex), FromContract(request.Diagnosis?.DiseaseStatus ?? default),
            FromContract(request.Diagnosis?.Cd19Status ?? default), request.Diagnosis?.PriorLines ?? 0, FromContract(request.Consents)),
            context.Caller(), context.CancellationToken));

    public override async Task<Patient> GetPatient(GetPatientRequest request, ServerCallContext context) =>
        ToContract(await getPatient.ExecuteAsync(new GetPatientCommand(request.Pseudonym, FromContract(request.Purpose), request.Justification),
            context.Caller(), context.CancellationToken));

    public override async Task<ListPatientsResponse> ListPatients(ListPatientsRequest request, ServerCallContext context)
    {
        var result = await listPatients.ExecuteAsync(new ListPatientsCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken,
            FromContract(request.Purpose), request.Justification, request.TreatingInstitutionId, request.CountryCode),
            context.Caller(), context.CancellationToken);
        return new ListPatientsResponse { Patients = { result.Patients.Select(ToContract) }, NextPageToken = result.NextPageToken };
    }

    public override async Task<Patient> ChangeConsent(ChangeConsentRequest request, ServerCallContext context) =>
        ToContract(await changeConsent.ExecuteAsync(new ChangeConsentCommand(request.Pseudonym, FromContract(request.Consents), request.ExpectedRevision),
            context.Caller(), context.CancellationToken));

    public override async Task<Patient> RecordInfusion(RecordInfusionRequest request, ServerCallContext context) =>
        ToContract(await recordInfusion.ExecuteAsync(new RecordInfusionCommand(request.Pseudonym, request.ProductId, request.DoseMillionCellsPerKg,
            FromContract(request.InfusedOn), request.BookingId, request.RequestId), context.Caller(), context.CancellationToken));

    public override async Task<Patient> RecordOutcome(RecordOutcomeRequest request, ServerCallContext context) =>
        ToContract(await recordOutcome.ExecuteAsync(new RecordOutcomeCommand(request.Pseudonym, FromContract(request.OccurredOn), ReportOf(request), request.RequestId),
            context.Caller(), context.CancellationToken));

    public override async Task<ListAccessLogResponse> ListAccessLog(ListAccessLogRequest request, ServerCallContext context)
    {
        var result = await listAccessLog.ExecuteAsync(new ListAccessLogCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.Pseudonym),
            context.Caller(), context.CancellationToken);
        return new ListAccessLogResponse { Entries = { result.Entries.Select(ToContract) }, NextPageToken = result.NextPageToken };
    }

    // ---- statistics

    public override async Task<Contracts.Registry.V1.Statistics> GetStatistics(GetStatisticsRequest request, ServerCallContext context) =>
        ToContract(await getStatistics.ExecuteAsync(new GetStatisticsCommand([.. request.GroupBy.Select(FromContract)], request.CountryCode,
            request.ProductId, request.Year, request.ReleaseId), context.CancellationToken));

    public override async Task<Contracts.Registry.V1.StatisticsRelease> PublishStatisticsRelease(PublishStatisticsReleaseRequest request, ServerCallContext context) =>
        ToContract(await publishStatisticsRelease.ExecuteAsync(context.CancellationToken));

    public override async Task<ListStatisticsReleasesResponse> ListStatisticsReleases(ListStatisticsReleasesRequest request, ServerCallContext context) =>
        new() { Releases = { (await listStatisticsReleases.ExecuteAsync(context.CancellationToken)).Select(ToContract) } };
}
