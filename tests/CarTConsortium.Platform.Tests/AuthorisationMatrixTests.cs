using System.Globalization;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>Who the caller is relative to the object of the call (a KZ object; for capacity, the KZ site kz-ncb-astana).</summary>
public enum Relation
{
    /// <summary>Same country, and the institution that owns the object where one does.</summary>
    Own,
    OtherCountry,
    /// <summary>Same country, another institution.</summary>
    OtherInstitution,
    /// <summary>A consortium admin, from the consortium's own provider.</summary>
    Consortium,
}

/// <summary>
/// Every RPC on the platform x every role x own / other country / other institution, through
/// the gateway with real tokens from the country providers. The expectation is written out
/// below, not derived from the rules it checks; an RPC missing from the table fails the build
/// of the table (see <see cref="The_table_covers_every_rpc_of_every_service"/>).
/// </summary>
public sealed class AuthorisationMatrixTests(MatrixFixture fixture) : IClassFixture<MatrixFixture>
{
    // Columns: one per role, three letters each: own, other country, other institution
    // (A = allowed, - = PERMISSION_DENIED); the consortium admin has one.
    private static readonly string[] Table =
    [
        // rpc                   hospital clinician procurement regulatory site admin
        "AdmitCountry            ---      ---       ---         ---        ---  A",
        "ListCountries           AAA      AAA       AAA         AAA        AAA  A",
        "SignAgreement           ---      ---       ---         ---        ---  A",
        "EndAgreement            ---      ---       ---         ---        ---  A",
        "ListAgreements          AAA      AAA       AAA         AAA        AAA  A",
        "RegisterInstitution     ---      ---       ---         ---        ---  A",
        "UpdateInstitution       ---      ---       ---         ---        ---  A",
        "GetInstitution          AAA      AAA       AAA         AAA        AAA  A",
        "ListInstitutions        AAA      AAA       AAA         AAA        AAA  A",
        "RegisterProduct         ---      ---       ---         ---        ---  A",
        "GetProduct              AAA      AAA       AAA         AAA        AAA  A",
        "ListProducts            AAA      AAA       AAA         AAA        AAA  A",
        // The patient: KZ, treated at kz-astana-childrens, no consent to cross-border sharing.
        "EnrolPatient            A--      A--       ---         ---        ---  -",
        "GetPatient              A-A      A-A       ---         ---        ---  -",
        "ListPatients            AAA      AAA       ---         ---        ---  A",
        "ChangeConsent           A--      A--       ---         ---        ---  -",
        "RecordInfusion          ---      A--       ---         ---        ---  -",
        "RecordOutcome           ---      A--       ---         ---        ---  -",
        "ListAccessLog           ---      A--       ---         ---        ---  A",
        "GetStatistics           AAA      AAA       AAA         AAA        AAA  A",
        "PublishStatisticsRelease ---     ---       ---         ---        ---  A",
        "ListStatisticsReleases  AAA      AAA       AAA         AAA        AAA  A",
        "RecordAuthorisation     ---      ---       ---         A-A        ---  A",
        "ChangeStatus            ---      ---       ---         A-A        ---  A",
        "AmendAuthorisation      ---      ---       ---         A-A        ---  A",
        "GetAuthorisationHistory ---      ---       ---         AAA        ---  A",
        "GetMatrix               AAA      AAA       AAA         AAA        AAA  A",
        "CheckUsage              AAA      AAA       AAA         AAA        AAA  A",
        "ListRenewalsDue         AAA      AAA       AAA         AAA        AAA  A",
        "GetAuthorisation        AAA      AAA       AAA         AAA        AAA  A",
        "ListAuthorisations      AAA      AAA       AAA         AAA        AAA  A",
        "PublishCapacity         ---      ---       ---         ---        A--  -",
        "GetCapacity             AAA      AAA       AAA         AAA        AAA  A",
        "ListCapacity            AAA      AAA       AAA         AAA        AAA  A",
        "CloseCapacity           ---      ---       ---         ---        A--  A",
        "ReopenCapacity          ---      ---       ---         ---        A--  A",
        "GetFairShares           AAA      AAA       AAA         AAA        AAA  A",
        "WhoAmI                  AAA      AAA       AAA         AAA        AAA  A",
        // The booking: a KZ patient of kz-astana-childrens in a run of the KZ site kz-ncb-astana.
        "RequestRun              A--      ---       ---         ---        ---  -",
        "GetBooking              A--      ---       ---         ---        A--  A",
        // Each lists its own institution's bookings.
        "ListBookings            AAA      ---       ---         ---        AAA  A",
        "AdvanceBooking          A--      ---       ---         ---        A--  A",
        "MoveBooking             ---      ---       ---         ---        A--  A",
        "ExplainAllocation       A--      ---       ---         ---        ---  A",
        "ListWaitlist            AAA      ---       ---         ---        AAA  A",
        "WithdrawFromWaitlist    A--      ---       ---         ---        ---  A",
        // Each site reads the report of its own site's bookings; hospitals never (it names other hospitals).
        "GetUrgencyReport        ---      ---       ---         ---        AAA  A",
        // The catalogue holds no prices: anyone reads it; the consortium keeps it.
        "RegisterItem            ---      ---       ---         ---        ---  A",
        "UpdateItem              ---      ---       ---         ---        ---  A",
        "GetItem                 AAA      AAA       AAA         AAA        AAA  A",
        "ListItems               AAA      AAA       AAA         AAA        AAA  A",
        // A pool is the consortium's, not a country's: every procurement officer reads it and its
        // savings (the totals and their own country's figures only, see ProcurementTests).
        "OpenPool                ---      ---       ---         ---        ---  A",
        "GetPool                 ---      ---       AAA         ---        ---  A",
        "ListPools               ---      ---       AAA         ---        ---  A",
        "ClosePool               ---      ---       ---         ---        ---  A",
        "GetSavings              ---      ---       AAA         ---        ---  A",
        // KZ's commitment to an open pool: a KZ officer of any KZ institution commits and withdraws
        // for KZ; another country's officer may not, nor the admin (it commits nobody's budget).
        "Commit                  ---      ---       A-A         ---        ---  -",
        "WithdrawCommitment      ---      ---       A-A         ---        ---  -",
        // KZ's purchase order of a settled pool, and KZ's orders listed by naming KZ.
        "GetPurchaseOrder        ---      ---       A-A         ---        ---  A",
        "ListPurchaseOrders      ---      ---       A-A         ---        ---  A",
    ];

    private static readonly string[] ColumnRoles = [Roles.HospitalCoordinator, Roles.Clinician, Roles.ProcurementOfficer, Roles.RegulatoryOfficer, Roles.ManufacturingSite];

    public static TheoryData<string, string, Relation, bool> Cases()
    {
        var cases = new TheoryData<string, string, Relation, bool>();
        foreach (var row in Table)
        {
            var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var column = 0; column < ColumnRoles.Length; column++)
            {
                foreach (var (relation, index) in new[] { (Relation.Own, 0), (Relation.OtherCountry, 1), (Relation.OtherInstitution, 2) })
                {
                    cases.Add(cells[0], ColumnRoles[column], relation, cells[column + 1][index] == 'A');
                }
            }
            cases.Add(cells[0], Roles.ConsortiumAdmin, Relation.Consortium, cells[^1] == "A");
        }
        return cases;
    }

    [Fact]
    public void The_table_covers_every_rpc_of_every_service()
    {
        var services = new[] { RegistryService.Descriptor, ApprovalsService.Descriptor, SlotsService.Descriptor, ProcurementService.Descriptor };
        var rpcs = services.SelectMany(s => s.Methods.Select(m => m.Name)).Order(StringComparer.Ordinal);
        var rows = Table.Select(r => r.Split(' ')[0]).Order(StringComparer.Ordinal);
        Assert.Equal(rpcs, rows);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Rpc_as_role_in_relation(string rpc, string role, Relation relation, bool allowed)
    {
        var caller = CallerFor(role, relation);
        var channel = fixture.Running.ChannelAs(caller);
        var suffix = fixture.NextSuffix();
        _role = role;
        var call = await PrepareAsync(rpc, channel, suffix);
        if (allowed)
        {
            await call();
            if (rpc == "PublishCapacity")
            {
                fixture.CountPublished();
            }
            return;
        }
        var denied = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        await AssertNothingChangedAsync(rpc, suffix);
    }

    private static DemoClient CallerFor(string role, Relation relation) => (role, relation) switch
    {
        (Roles.ConsortiumAdmin, _) => DemoClients.Admin,
        (Roles.HospitalCoordinator, Relation.Own) => DemoClients.KzHospital,
        (Roles.HospitalCoordinator, Relation.OtherCountry) => DemoClients.UzHospital,
        (Roles.HospitalCoordinator, Relation.OtherInstitution) => DemoClients.KzOtherHospital,
        (Roles.Clinician, Relation.Own) => DemoClients.KzClinician,
        (Roles.Clinician, Relation.OtherCountry) => DemoClients.UzClinician,
        (Roles.Clinician, Relation.OtherInstitution) => DemoClients.KzOtherClinician,
        (Roles.ProcurementOfficer, Relation.Own) => DemoClients.KzProcurement,
        (Roles.ProcurementOfficer, Relation.OtherCountry) => DemoClients.UzProcurement,
        (Roles.ProcurementOfficer, Relation.OtherInstitution) => DemoClients.KzOtherProcurement,
        (Roles.RegulatoryOfficer, Relation.Own) => DemoClients.KzRegulatory,
        (Roles.RegulatoryOfficer, Relation.OtherCountry) => DemoClients.UzRegulatory,
        (Roles.RegulatoryOfficer, Relation.OtherInstitution) => DemoClients.KzOtherRegulatory,
        (Roles.ManufacturingSite, Relation.Own) => DemoClients.KzSite,
        (Roles.ManufacturingSite, Relation.OtherCountry) => DemoClients.UzSite,
        (Roles.ManufacturingSite, Relation.OtherInstitution) => DemoClients.KzOtherSite,
        _ => throw new ArgumentOutOfRangeException(nameof(role), $"{role} / {relation}"),
    };

    /// <summary>
    /// Sets up what the call under test needs (as the admin or the treating clinician), notes
    /// what a denied call must leave as it is, and returns the call.
    /// </summary>
    private async Task<Func<Task>> PrepareAsync(string rpc, GrpcChannel channel, string suffix)
    {
        var registry = new RegistryService.RegistryServiceClient(channel);
        var admin = fixture.Admin.Registry;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        switch (rpc)
        {
            case "AdmitCountry":
                var code = fixture.NextCountryCode();
                _before = code;
                return () => registry.AdmitCountryAsync(new AdmitCountryRequest { CountryCode = code, Name = "Matrix " + code, Membership = Membership.Member }).ResponseAsync;
            case "SignAgreement":
                var (first, second) = await fixture.TwoNewMembersAsync();
                _before = first;
                return () => registry.SignAgreementAsync(MatrixFixture.Agreement(first, second)).ResponseAsync;
            case "EndAgreement":
                var (a, b) = await fixture.TwoNewMembersAsync();
                var signed = await admin.SignAgreementAsync(MatrixFixture.Agreement(a, b));
                _before = signed.AgreementId;
                return () => registry.EndAgreementAsync(new EndAgreementRequest
                {
                    AgreementId = signed.AgreementId,
                    EndsOn = MatrixFixture.Day(today.AddDays(30)),
                    ExpectedRevision = signed.Revision.Version,
                }).ResponseAsync;
            case "RegisterInstitution":
                return () => registry.RegisterInstitutionAsync(MatrixFixture.Institution("matrix-" + suffix)).ResponseAsync;
            case "UpdateInstitution":
                var registered = await admin.RegisterInstitutionAsync(MatrixFixture.Institution("matrix-" + suffix));
                return () => registry.UpdateInstitutionAsync(new UpdateInstitutionRequest
                {
                    InstitutionId = registered.InstitutionId,
                    Name = "Renamed",
                    Accreditation = registered.Accreditation,
                    Capabilities = new Capabilities { IcuBeds = 9 },
                    ExpectedRevision = registered.Revision.Version,
                }).ResponseAsync;
            case "EnrolPatient":
                return () => registry.EnrolPatientAsync(MatrixFixture.Enrolment("MATRIX" + suffix)).ResponseAsync;
            case "ChangeConsent":
                var patient = await fixture.ReadPatientAsync();
                _before = patient.Revision.Version;
                return () => registry.ChangeConsentAsync(new ChangeConsentRequest
                {
                    Pseudonym = patient.Pseudonym,
                    Consents = new Consents { Registry = true, Research = !patient.Consents.Research },
                    ExpectedRevision = patient.Revision.Version,
                }).ResponseAsync;
            case "RecordInfusion":
                _before = (await fixture.ReadPatientAsync()).Revision.Version;
                return () => registry.RecordInfusionAsync(new RecordInfusionRequest
                {
                    Pseudonym = fixture.Pseudonym,
                    ProductId = MatrixFixture.ProductId,
                    DoseMillionCellsPerKg = 2,
                    InfusedOn = MatrixFixture.Day(today.AddDays(-10)),
                }).ResponseAsync;
            case "RecordOutcome":
                _before = (await fixture.ReadPatientAsync()).Revision.Version;
                return () => registry.RecordOutcomeAsync(new RecordOutcomeRequest
                {
                    Pseudonym = fixture.Pseudonym,
                    OccurredOn = MatrixFixture.Day(today),
                    FollowUp = new FollowUpVisit { DiseaseState = DiseaseState.InRemission, BCellAplasia = true },
                }).ResponseAsync;
            case "ChangeStatus":
                var tracked = await fixture.Admin.Approvals.GetAuthorisationAsync(new GetAuthorisationRequest { AuthorisationId = fixture.AuthorisationId });
                _before = tracked.Revision.Version;
                var approvals = new ApprovalsService.ApprovalsServiceClient(channel);
                return () => approvals.ChangeStatusAsync(MatrixFixture.NextStep(tracked, today)).ResponseAsync;
            case "AmendAuthorisation":
                var current = await fixture.Admin.Approvals.GetAuthorisationAsync(new GetAuthorisationRequest { AuthorisationId = fixture.AuthorisationId });
                _before = current.Revision.Version;
                var amending = new ApprovalsService.ApprovalsServiceClient(channel);
                var scope = current.Scope.Clone();
                scope.MaxAgeYears = scope.MaxAgeYears == 25 ? 21 : 25;
                return () => amending.AmendAuthorisationAsync(new AmendAuthorisationRequest
                {
                    AuthorisationId = current.AuthorisationId,
                    ExpectedRevision = current.Revision.Version,
                    Reason = "matrix: label change",
                    Scope = scope,
                }).ResponseAsync;
            case "CloseCapacity" or "ReopenCapacity":
                var run = await fixture.KzSiteAsSite.PublishCapacityAsync(MatrixFixture.KzSiteCapacity());
                if (rpc == "ReopenCapacity")
                {
                    run = await fixture.KzSiteAsSite.CloseCapacityAsync(new CloseCapacityRequest { CapacityId = run.CapacityId, ExpectedRevision = run.Revision.Version });
                }
                fixture.CountPublished();
                _before = run;
                var capacity = new SlotsService.SlotsServiceClient(channel);
                return rpc == "CloseCapacity"
                    ? () => capacity.CloseCapacityAsync(new CloseCapacityRequest { CapacityId = run.CapacityId, ExpectedRevision = run.Revision.Version, Reason = "matrix" }).ResponseAsync
                    : () => capacity.ReopenCapacityAsync(new ReopenCapacityRequest { CapacityId = run.CapacityId, ExpectedRevision = run.Revision.Version }).ResponseAsync;
            case "RequestRun":
                var pseudonym = await fixture.EnrolAsync("MATRIXRQ" + suffix);
                _before = pseudonym;
                var requesting = new SlotsService.SlotsServiceClient(channel);
                // The enrolment reaches slots by event: NOT_FOUND until then.
                return () => MatrixFixture.UntilKnownAsync(() => requesting.RequestRunAsync(fixture.RunRequest(pseudonym, noWaitlist: true)).ResponseAsync);
            case "AdvanceBooking" or "MoveBooking":
                var held = await fixture.HeldBookingAsync("MATRIXBK" + suffix);
                _before = held;
                var bookings = new SlotsService.SlotsServiceClient(channel);
                if (rpc == "MoveBooking")
                {
                    return () => bookings.MoveBookingAsync(new MoveBookingRequest
                    {
                        BookingId = held.BookingId,
                        ToCapacityId = fixture.SecondRunId,
                        ExpectedRevision = held.Revision.Version,
                        Note = "matrix",
                    }).ResponseAsync;
                }
                // The hospital confirms; the site and the admin cancel (the steps each of them may take from a hold).
                var step = _role == Roles.HospitalCoordinator ? BookingStatus.Confirmed : BookingStatus.Cancelled;
                return () => bookings.AdvanceBookingAsync(new AdvanceBookingRequest { BookingId = held.BookingId, To = step, ExpectedRevision = held.Revision.Version }).ResponseAsync;
            case "WithdrawFromWaitlist":
                var entry = await fixture.WaitingEntryAsync("MATRIXWL" + suffix);
                _before = entry;
                var waitlist = new SlotsService.SlotsServiceClient(channel);
                return () => waitlist.WithdrawFromWaitlistAsync(new WithdrawFromWaitlistRequest { EntryId = entry.EntryId, ExpectedRevision = entry.Revision.Version }).ResponseAsync;
            case "UpdateItem":
                var item = await fixture.Admin.Procurement.RegisterItemAsync(MatrixFixture.Item("matrix-" + suffix));
                _before = item;
                var catalogue = new ProcurementService.ProcurementServiceClient(channel);
                return () => catalogue.UpdateItemAsync(new UpdateItemRequest
                {
                    ItemId = item.ItemId,
                    ExpectedRevision = item.Revision.Version,
                    Name = "Renamed " + item.Name,
                    PackContents = item.PackContents,
                    Suppliers = { item.Suppliers },
                }).ResponseAsync;
            case "ClosePool" or "Commit" or "WithdrawCommitment":
                // A pool of its own, open for a month; KZ has committed to it where the case withdraws.
                var pool = await fixture.OpenPoolAsync("matrix-" + suffix);
                if (rpc == "WithdrawCommitment")
                {
                    pool = await fixture.KzOfficer.CommitAsync(MatrixFixture.KzCommitment(pool.PoolId));
                }
                _before = pool;
                var pools = new ProcurementService.ProcurementServiceClient(channel);
                return rpc switch
                {
                    "ClosePool" => () => pools.ClosePoolAsync(new ClosePoolRequest { PoolId = pool.PoolId, Reason = "matrix: closed early" }).ResponseAsync,
                    "Commit" => () => pools.CommitAsync(MatrixFixture.KzCommitment(pool.PoolId)).ResponseAsync,
                    _ => () => pools.WithdrawCommitmentAsync(new WithdrawCommitmentRequest
                    {
                        PoolId = pool.PoolId,
                        CountryCode = "KZ",
                        ExpectedRevision = pool.Commitments[0].Revision.Version,
                    }).ResponseAsync,
                };
            case "PublishStatisticsRelease":
                _before = (await admin.ListStatisticsReleasesAsync(new ListStatisticsReleasesRequest())).Releases.Count;
                return () => registry.PublishStatisticsReleaseAsync(new PublishStatisticsReleaseRequest()).ResponseAsync;
            default:
                return Invoke(rpc, channel, suffix);
        }
    }

    // What the case's setup noted for the check after a denial.
    private object? _before;

    // The role of the case's caller, for setups that depend on it.
    private string _role = "";

    /// <summary>The calls that need no setup; writes name objects by <paramref name="suffix"/> so no two cases collide.</summary>
    private Func<Task> Invoke(string rpc, GrpcChannel channel, string suffix)
    {
        var registry = new RegistryService.RegistryServiceClient(channel);
        var approvals = new ApprovalsService.ApprovalsServiceClient(channel);
        var slots = new SlotsService.SlotsServiceClient(channel);
        var procurement = new ProcurementService.ProcurementServiceClient(channel);
        return rpc switch
        {
            "ListCountries" => () => registry.ListCountriesAsync(new ListCountriesRequest()).ResponseAsync,
            "ListAgreements" => () => registry.ListAgreementsAsync(new ListAgreementsRequest { CountryCode = "KZ" }).ResponseAsync,
            "GetInstitution" => () => registry.GetInstitutionAsync(new GetInstitutionRequest { InstitutionId = "kz-astana-childrens" }).ResponseAsync,
            "ListInstitutions" => () => registry.ListInstitutionsAsync(new ListInstitutionsRequest { CountryCode = "KZ" }).ResponseAsync,
            "GetPatient" => () => registry.GetPatientAsync(new GetPatientRequest { Pseudonym = fixture.Pseudonym, Purpose = AccessPurpose.Treatment }).ResponseAsync,
            "ListPatients" => () => registry.ListPatientsAsync(new ListPatientsRequest { Purpose = AccessPurpose.QualityReview }).ResponseAsync,
            "ListAccessLog" => () => registry.ListAccessLogAsync(new ListAccessLogRequest { Pseudonym = fixture.Pseudonym }).ResponseAsync,
            "GetStatistics" => () => registry.GetStatisticsAsync(new GetStatisticsRequest { GroupBy = { StatisticsDimension.Country } }).ResponseAsync,
            "ListStatisticsReleases" => () => registry.ListStatisticsReleasesAsync(new ListStatisticsReleasesRequest()).ResponseAsync,
            "RegisterProduct" => () => registry.RegisterProductAsync(MatrixFixture.NewProduct("matrix-" + suffix)).ResponseAsync,
            "GetProduct" => () => registry.GetProductAsync(new GetProductRequest { ProductId = MatrixFixture.ProductId }).ResponseAsync,
            "ListProducts" => () => registry.ListProductsAsync(new ListProductsRequest()).ResponseAsync,
            "RecordAuthorisation" => () => RecordAuthorisationAsync(approvals, suffix),
            "GetAuthorisation" => () => approvals.GetAuthorisationAsync(new GetAuthorisationRequest { AuthorisationId = fixture.AuthorisationId }).ResponseAsync,
            "ListAuthorisations" => () => approvals.ListAuthorisationsAsync(new ListAuthorisationsRequest()).ResponseAsync,
            "GetAuthorisationHistory" => () => approvals.GetAuthorisationHistoryAsync(new GetAuthorisationHistoryRequest { AuthorisationId = fixture.AuthorisationId }).ResponseAsync,
            "GetMatrix" => () => approvals.GetMatrixAsync(new GetMatrixRequest()).ResponseAsync,
            "CheckUsage" => () => approvals.CheckUsageAsync(new CheckUsageRequest
            {
                ProductId = MatrixFixture.ProductId,
                CountryCode = "KZ",
                AgeYears = 10,
                Indication = "r/r B-ALL",
                InstitutionId = "kz-astana-childrens",
                Date = MatrixFixture.Day(DateOnly.FromDateTime(DateTime.UtcNow)),
            }).ResponseAsync,
            "ListRenewalsDue" => () => approvals.ListRenewalsDueAsync(new ListRenewalsDueRequest { WithinDays = 90 }).ResponseAsync,
            "PublishCapacity" => () => slots.PublishCapacityAsync(MatrixFixture.KzSiteCapacity()).ResponseAsync,
            "GetCapacity" => () => slots.GetCapacityAsync(new GetCapacityRequest { CapacityId = fixture.CapacityId }).ResponseAsync,
            "ListCapacity" => () => slots.ListCapacityAsync(new ListCapacityRequest()).ResponseAsync,
            "GetFairShares" => () => slots.GetFairSharesAsync(new GetFairSharesRequest { SiteId = "kz-ncb-astana" }).ResponseAsync,
            "WhoAmI" => () => slots.WhoAmIAsync(new WhoAmIRequest()).ResponseAsync,
            "GetBooking" => () => slots.GetBookingAsync(new GetBookingRequest { BookingId = fixture.Booking.BookingId }).ResponseAsync,
            "ListBookings" => () => slots.ListBookingsAsync(new ListBookingsRequest()).ResponseAsync,
            "ExplainAllocation" => () => slots.ExplainAllocationAsync(new ExplainAllocationRequest { RequestId = fixture.Booking.RequestId }).ResponseAsync,
            "ListWaitlist" => () => slots.ListWaitlistAsync(new ListWaitlistRequest { ProductId = MatrixFixture.ProductId }).ResponseAsync,
            "GetUrgencyReport" => () => slots.GetUrgencyReportAsync(new GetUrgencyReportRequest()).ResponseAsync,
            "RegisterItem" => () => procurement.RegisterItemAsync(MatrixFixture.Item("matrix-" + suffix)).ResponseAsync,
            "GetItem" => () => procurement.GetItemAsync(new GetItemRequest { ItemId = MatrixFixture.PooledItemId }).ResponseAsync,
            "ListItems" => () => procurement.ListItemsAsync(new ListItemsRequest()).ResponseAsync,
            "OpenPool" => () => procurement.OpenPoolAsync(MatrixFixture.NewPool("matrix-" + suffix)).ResponseAsync,
            "GetPool" => () => procurement.GetPoolAsync(new GetPoolRequest { PoolId = fixture.SettledPoolId }).ResponseAsync,
            "ListPools" => () => procurement.ListPoolsAsync(new ListPoolsRequest()).ResponseAsync,
            "GetSavings" => () => procurement.GetSavingsAsync(new GetSavingsRequest { PoolId = fixture.SettledPoolId }).ResponseAsync,
            "GetPurchaseOrder" => () => procurement.GetPurchaseOrderAsync(new GetPurchaseOrderRequest { PurchaseOrderId = fixture.KzOrderId }).ResponseAsync,
            "ListPurchaseOrders" => () => procurement.ListPurchaseOrdersAsync(new ListPurchaseOrdersRequest { CountryCode = "KZ" }).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc), rpc),
        };
    }

    /// <summary>
    /// A KZ authorisation of a product of its own. An allowed caller waits for approvals to learn
    /// the product from the registry's event; a denied one is refused before the product matters.
    /// </summary>
    private async Task RecordAuthorisationAsync(ApprovalsService.ApprovalsServiceClient approvals, string suffix)
    {
        var request = MatrixFixture.KzAuthorisation("matrix-" + suffix);
        try
        {
            await approvals.RecordAuthorisationAsync(request);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            await fixture.Admin.Registry.RegisterProductAsync(MatrixFixture.NewProduct(request.ProductId));
            await Eventually.SucceedsAsync(() => approvals.RecordAuthorisationAsync(request).ResponseAsync);
        }
    }

    private async Task AssertNothingChangedAsync(string rpc, string suffix)
    {
        var admin = fixture.Admin;
        switch (rpc)
        {
            case "AdmitCountry":
                var countries = await admin.Registry.ListCountriesAsync(new ListCountriesRequest { Page = new PageRequest { PageSize = 200 } });
                Assert.DoesNotContain(countries.Countries, c => c.CountryCode == (string)_before!);
                break;
            case "SignAgreement":
                Assert.Empty((await admin.Registry.ListAgreementsAsync(new ListAgreementsRequest { CountryCode = (string)_before! })).Agreements);
                break;
            case "EndAgreement":
                var agreements = await admin.Registry.ListAgreementsAsync(new ListAgreementsRequest { CountryCode = ((string)_before!)[..2] });
                var agreement = Assert.Single(agreements.Agreements);
                Assert.Null(agreement.EndsOn);
                Assert.Equal(1, agreement.Revision.Version);
                break;
            case "RegisterInstitution":
                var institution = await Assert.ThrowsAsync<RpcException>(() =>
                    admin.Registry.GetInstitutionAsync(new GetInstitutionRequest { InstitutionId = "matrix-" + suffix }).ResponseAsync);
                Assert.Equal(StatusCode.NotFound, institution.StatusCode);
                break;
            case "UpdateInstitution":
                Assert.Equal(1, (await admin.Registry.GetInstitutionAsync(new GetInstitutionRequest { InstitutionId = "matrix-" + suffix })).Revision.Version);
                break;
            case "EnrolPatient":
                // Had the denied call enrolled the child, enrolling it again would be ALREADY_EXISTS.
                var clinician = new RegistryService.RegistryServiceClient(fixture.Running.ChannelAs(DemoClients.KzClinician));
                await clinician.EnrolPatientAsync(MatrixFixture.Enrolment("MATRIX" + suffix));
                break;
            case "ChangeConsent" or "RecordInfusion" or "RecordOutcome":
                Assert.Equal((long)_before!, (await fixture.ReadPatientAsync()).Revision.Version);
                break;
            case "ChangeStatus" or "AmendAuthorisation":
                var unchanged = await admin.Approvals.GetAuthorisationAsync(new GetAuthorisationRequest { AuthorisationId = fixture.AuthorisationId });
                Assert.Equal((long)_before!, unchanged.Revision.Version);
                break;
            case "RegisterProduct":
                var product = await Assert.ThrowsAsync<RpcException>(() =>
                    admin.Registry.GetProductAsync(new GetProductRequest { ProductId = "matrix-" + suffix }).ResponseAsync);
                Assert.Equal(StatusCode.NotFound, product.StatusCode);
                break;
            case "RecordAuthorisation":
                var authorisation = await Assert.ThrowsAsync<RpcException>(() => admin.Approvals.GetAuthorisationAsync(new GetAuthorisationRequest
                {
                    AuthorisationId = $"matrix-{suffix}.KZ.HospitalExemption",
                }).ResponseAsync);
                Assert.Equal(StatusCode.NotFound, authorisation.StatusCode);
                break;
            case "PublishCapacity":
                Assert.Equal(fixture.KzSiteCapacityCount, await fixture.CountKzSiteCapacityAsync());
                break;
            case "CloseCapacity" or "ReopenCapacity":
                var unchangedRun = await admin.Slots.GetCapacityAsync(new GetCapacityRequest { CapacityId = ((Capacity)_before!).CapacityId });
                Assert.Equal(((Capacity)_before!).Revision.Version, unchangedRun.Revision.Version);
                break;
            case "RequestRun":
                // Had the denied call booked the patient, the hospital's own request would be FAILED_PRECONDITION (one active booking per patient).
                var own = new SlotsService.SlotsServiceClient(fixture.Running.ChannelAs(DemoClients.KzHospital));
                await MatrixFixture.UntilKnownAsync(() => own.RequestRunAsync(fixture.RunRequest((string)_before!, noWaitlist: true)).ResponseAsync);
                break;
            case "AdvanceBooking" or "MoveBooking":
                var booking = await admin.Slots.GetBookingAsync(new GetBookingRequest { BookingId = ((Booking)_before!).BookingId });
                Assert.Equal(((Booking)_before!).Revision.Version, booking.Revision.Version);
                break;
            case "WithdrawFromWaitlist":
                var waiting = await admin.Slots.ListWaitlistAsync(new ListWaitlistRequest { ProductId = MatrixFixture.ProductId });
                Assert.Single(waiting.Entries, e => e.Entry.EntryId == ((WaitlistEntry)_before!).EntryId && e.Entry.Status == WaitlistStatus.Waiting);
                break;
            case "RegisterItem":
                var item = await Assert.ThrowsAsync<RpcException>(() =>
                    admin.Procurement.GetItemAsync(new GetItemRequest { ItemId = "matrix-" + suffix }).ResponseAsync);
                Assert.Equal(StatusCode.NotFound, item.StatusCode);
                break;
            case "UpdateItem":
                var unchangedItem = await admin.Procurement.GetItemAsync(new GetItemRequest { ItemId = ((CatalogueItem)_before!).ItemId });
                Assert.Equal((CatalogueItem)_before!, unchangedItem);
                break;
            case "OpenPool":
                var opened = await admin.Procurement.ListPoolsAsync(new ListPoolsRequest { ItemId = MatrixFixture.PooledItemId, Page = new PageRequest { PageSize = 200 } });
                Assert.DoesNotContain(opened.Pools, p => p.Title == "matrix-" + suffix);
                break;
            case "ClosePool" or "Commit" or "WithdrawCommitment":
                // Still open, at the same revision, with the same commitments (none, or KZ's).
                var before = (Pool)_before!;
                var after = await admin.Procurement.GetPoolAsync(new GetPoolRequest { PoolId = before.PoolId });
                Assert.Equal((PoolStatus.Open, before.Revision.Version, before.Totals), (after.Status, after.Revision.Version, after.Totals));
                Assert.Equal(before.Commitments, after.Commitments);
                break;
            case "PublishStatisticsRelease":
                Assert.Equal((int)_before!, (await admin.Registry.ListStatisticsReleasesAsync(new ListStatisticsReleasesRequest())).Releases.Count);
                break;
        }
    }
}

/// <summary>A platform with one object of each kind to read, made by the callers allowed to make them.</summary>
public sealed class MatrixFixture : IAsyncLifetime
{
    public const string ProductId = "tisagenlecleucel";
    private const string KzSite = "kz-ncb-astana";

    private int _suffix;

    public RunningPlatform Running { get; private set; } = null!;
    public AdminClients Admin { get; private set; } = null!;
    public string AuthorisationId { get; private set; } = "";
    public string CapacityId { get; private set; } = "";

    /// <summary>A pool of <see cref="PooledItemId"/> that settled with KZ's commitment alone, and KZ's purchase order of it.</summary>
    public string SettledPoolId { get; private set; } = "";

    public string KzOrderId { get; private set; } = "";

    /// <summary>The KZ ministry's procurement officer, who commits for KZ where a case needs a commitment to exist.</summary>
    public ProcurementService.ProcurementServiceClient KzOfficer { get; private set; } = null!;

    /// <summary>How many capacity entries kz-ncb-astana has published: allowed publications add to it.</summary>
    public int KzSiteCapacityCount { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Running = await RunningPlatform.StartAsync();
        Admin = new AdminClients(Running.ChannelAs(DemoClients.Admin));
        // The demo products reach approvals and slots by event: wait for them once.
        var recorded = await Eventually.SucceedsAsync(() => Admin.Approvals.RecordAuthorisationAsync(new RecordAuthorisationRequest
        {
            ProductId = ProductId,
            Jurisdiction = "KZ",
            Authority = Authority.National,
            Pathway = Pathway.MarketingAuthorisation,
            Scope = new Scope { Indication = "r/r B-ALL", MaxAgeYears = 25 },
        }).ResponseAsync);
        AuthorisationId = recorded.AuthorisationId;
        var site = new SlotsService.SlotsServiceClient(Running.ChannelAs(DemoClients.KzSite));
        CapacityId = (await Eventually.SucceedsAsync(() => site.PublishCapacityAsync(KzSiteCapacity()).ResponseAsync)).CapacityId;
        await Admin.Procurement.RegisterItemAsync(Item(PooledItemId));
        KzOfficer = new ProcurementService.ProcurementServiceClient(Running.ChannelAs(DemoClients.KzProcurement));
        var pool = await OpenPoolAsync("matrix: a pool with KZ's order");
        // The KZ delivery institution reaches procurement from the registry by event.
        await Eventually.SucceedsAsync(() => KzOfficer.CommitAsync(KzCommitment(pool.PoolId)).ResponseAsync);
        var settled = await Admin.Procurement.ClosePoolAsync(new ClosePoolRequest { PoolId = pool.PoolId, Reason = "matrix: an order to read" });
        if (settled.Status != PoolStatus.Settled)
        {
            throw new InvalidOperationException($"The matrix's pool did not settle: {settled.Outcome?.Description}");
        }
        SettledPoolId = settled.PoolId;
        KzOrderId = $"{settled.PoolId}.KZ";
        KzSiteCapacityCount = await CountKzSiteCapacityAsync();
        KzSiteAsSite = site;
        // Two runs for the bookings, after the fair-share release day so no share stands in the way.
        var bookingDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5);
        await SiteLines.RaiseAsync(Admin.Registry, KzSite, 50);
        FirstRunId = (await Eventually.SucceedsAsync(() => site.PublishCapacityAsync(KzSiteCapacity(bookingDay, lines: 50)).ResponseAsync)).CapacityId;
        SecondRunId = (await site.PublishCapacityAsync(KzSiteCapacity(bookingDay.AddDays(1), lines: 50))).CapacityId;
        _bookingDay = bookingDay;
        var clinician = new RegistryService.RegistryServiceClient(Running.ChannelAs(DemoClients.KzClinician));
        Pseudonym = (await clinician.EnrolPatientAsync(Enrolment("MATRIXPATIENT"))).Pseudonym;
        Booking = await HeldBookingAsync("MATRIXBOOKING");
        KzSiteCapacityCount = await CountKzSiteCapacityAsync();
        await clinician.RecordInfusionAsync(new RecordInfusionRequest
        {
            Pseudonym = Pseudonym,
            ProductId = ProductId,
            DoseMillionCellsPerKg = 1.5,
            InfusedOn = Day(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-40)),
        });
    }

    public SlotsService.SlotsServiceClient KzSiteAsSite { get; private set; } = null!;

    /// <summary>A run of kz-ncb-astana that bookings are made in, and another of the same product and site to move them to.</summary>
    public string FirstRunId { get; private set; } = "";

    public string SecondRunId { get; private set; } = "";

    private DateOnly _bookingDay;

    /// <summary>A held booking of a patient of kz-astana-childrens in <see cref="FirstRunId"/>, for the read-only cases.</summary>
    public Booking Booking { get; private set; } = null!;

    /// <summary>A new patient of kz-astana-childrens, enrolled by its clinician; slots learns of it a moment later.</summary>
    public async Task<string> EnrolAsync(string nationalId) =>
        (await new RegistryService.RegistryServiceClient(Running.ChannelAs(DemoClients.KzClinician)).EnrolPatientAsync(Enrolment(nationalId))).Pseudonym;

    /// <summary>A request for the first run's day, for a patient of kz-astana-childrens.</summary>
    public RequestRunRequest RunRequest(string pseudonym, bool noWaitlist, DateOnly? day = null) => new()
    {
        Pseudonym = pseudonym,
        ProductId = ProductId,
        Indication = "r/r B-ALL",
        Urgency = UrgencyClass.Standard,
        SiteId = KzSite,
        EarliestStart = Day(day ?? _bookingDay),
        LatestStart = Day(day ?? _bookingDay),
        TreatingInstitutionId = "kz-astana-childrens",
        NoWaitlist = noWaitlist,
    };

    /// <summary>A new patient's hold in the first run, booked by its hospital.</summary>
    public async Task<Booking> HeldBookingAsync(string nationalId)
    {
        var pseudonym = await EnrolAsync(nationalId);
        var hospital = new SlotsService.SlotsServiceClient(Running.ChannelAs(DemoClients.KzHospital));
        var outcome = await UntilKnownAsync(() => hospital.RequestRunAsync(RunRequest(pseudonym, noWaitlist: true)).ResponseAsync);
        return outcome.Booking ?? throw new InvalidOperationException($"The matrix's booking was not held: {outcome.Summary} {string.Join("; ", outcome.Decisions.SelectMany(d => d.Reasons))}");
    }

    /// <summary>A new patient on the waitlist, asking for a day with no run.</summary>
    public async Task<WaitlistEntry> WaitingEntryAsync(string nationalId)
    {
        var pseudonym = await EnrolAsync(nationalId);
        var hospital = new SlotsService.SlotsServiceClient(Running.ChannelAs(DemoClients.KzHospital));
        var outcome = await UntilKnownAsync(() => hospital.RequestRunAsync(RunRequest(pseudonym, noWaitlist: false, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(300))).ResponseAsync);
        return outcome.Waitlisted ?? throw new InvalidOperationException($"The matrix's patient was not waitlisted: {outcome.Summary}");
    }

    /// <summary>Retries while slots answers NOT_FOUND: a patient enrolled a moment ago reaches it by event.</summary>
    public static async Task<T> UntilKnownAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>The matrix's patient: KZ, at kz-astana-childrens, consenting to the registry only.</summary>
    public string Pseudonym { get; private set; } = "";

    private int _countries;

    /// <summary>A code no demo country uses (Q, W, X, Y or Z and a letter), fresh for each call: enough for every case of a run.</summary>
    public string NextCountryCode()
    {
        var n = Interlocked.Increment(ref _countries);
        return $"{"QWXYZ"[n / 26 % 5]}{(char)('A' + (n % 26))}";
    }

    public async Task<(string First, string Second)> TwoNewMembersAsync()
    {
        var first = NextCountryCode();
        var second = NextCountryCode();
        foreach (var code in new[] { first, second })
        {
            await Admin.Registry.AdmitCountryAsync(new AdmitCountryRequest { CountryCode = code, Name = "Matrix " + code, Membership = Membership.Member });
        }
        return (first, second);
    }

    /// <summary>The patient as its treating clinician reads it.</summary>
    public async Task<Patient> ReadPatientAsync() =>
        await new RegistryService.RegistryServiceClient(Running.ChannelAs(DemoClients.KzClinician))
            .GetPatientAsync(new GetPatientRequest { Pseudonym = Pseudonym, Purpose = AccessPurpose.QualityReview, Justification = "authorisation matrix check" });

    public static Google.Type.Date Day(DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    public static SignAgreementRequest Agreement(string first, string second) => new()
    {
        CountryCodes = { first, second },
        CrossBorderCare = true,
        EffectiveFrom = Day(DateOnly.FromDateTime(DateTime.UtcNow)),
    };

    public static RegisterInstitutionRequest Institution(string id) => new()
    {
        InstitutionId = id,
        Name = "Matrix hospital " + id,
        CountryCode = "KZ",
        Kind = InstitutionKind.TreatmentCentre,
        Accreditation = new Accreditation { Status = AccreditationStatus.None },
        Capabilities = new Capabilities { IcuBeds = 2 },
    };

    public static EnrolPatientRequest Enrolment(string nationalId) => new()
    {
        NationalId = nationalId,
        TreatingInstitutionId = "kz-astana-childrens",
        BirthYear = 2016,
        BirthMonth = 5,
        Sex = Sex.Female,
        Diagnosis = new Diagnosis { DiseaseStatus = DiseaseStatus.Relapsed, Cd19Status = Cd19Status.Positive, PriorLines = 2 },
        Consents = new Consents { Registry = true },
    };

    public async Task<int> CountKzSiteCapacityAsync()
    {
        var listed = await Admin.Slots.ListCapacityAsync(new ListCapacityRequest { SiteId = KzSite, Page = new PageRequest { PageSize = 200 } });
        return listed.Capacity.Count;
    }

    public string NextSuffix() => Interlocked.Increment(ref _suffix).ToString(CultureInfo.InvariantCulture);

    /// <summary>Allowed publications raise the count the denied cases compare with.</summary>
    public void CountPublished() => KzSiteCapacityCount++;

    public static RegisterProductRequest NewProduct(string id) => new()
    {
        ProductId = id,
        Name = id,
        TargetAntigen = "CD19",
        CellSource = CellSource.Autologous,
        Manufacturer = "Matrix Bio",
    };

    public static RecordAuthorisationRequest KzAuthorisation(string productId) => new()
    {
        ProductId = productId,
        Jurisdiction = "KZ",
        Authority = Authority.National,
        Pathway = Pathway.HospitalExemption,
        Scope = new Scope { Indication = "r/r B-ALL", MinAgeYears = 1, MaxAgeYears = 25, InstitutionIds = { "kz-astana-childrens" } },
    };

    /// <summary>The next legal step of the authorisation's lifecycle, so every allowed case moves it on.</summary>
    public static ChangeStatusRequest NextStep(Authorisation current, DateOnly today)
    {
        var request = new ChangeStatusRequest { AuthorisationId = current.AuthorisationId, ExpectedRevision = current.Revision.Version, Reason = "matrix step" };
        switch (current.Status)
        {
            case AuthorisationStatus.Planned:
                request.Status = AuthorisationStatus.Submitted;
                request.SubmittedOn = Day(today.AddDays(-30));
                break;
            case AuthorisationStatus.Submitted:
                request.Status = AuthorisationStatus.UnderReview;
                break;
            case AuthorisationStatus.UnderReview:
                request.Status = AuthorisationStatus.Approved;
                request.DecidedOn = Day(today.AddDays(-1));
                break;
            case AuthorisationStatus.Approved:
                request.Status = AuthorisationStatus.Suspended;
                break;
            default:
                request.Status = current.SuspendedFrom;
                break;
        }
        return request;
    }

    public static PublishCapacityRequest KzSiteCapacity(DateOnly? start = null, int lines = 1) => new()
    {
        SiteId = KzSite,
        ProductId = ProductId,
        RunStart = Day(start ?? DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30)),
        RunDays = 12,
        Lines = lines,
    };

    /// <summary>The catalogue item the matrix's pools buy.</summary>
    public const string PooledItemId = "matrix-pooled-kit";

    public static RegisterItemRequest Item(string id) => new()
    {
        ItemId = id,
        Name = "Matrix kit " + id,
        Category = ItemCategory.ReagentKit,
        Unit = "kit",
        PackSize = 1,
        PackContents = "reagents for one manufacturing run",
        Suppliers = { new Supplier { SupplierId = "matrix-supplier", Name = "Matrix Supplies", CountryCode = "DE" } },
    };

    /// <summary>A pool of <see cref="PooledItemId"/> open from now for a month, going ahead from one unit.</summary>
    public static OpenPoolRequest NewPool(string title) => new()
    {
        Title = title,
        ItemId = PooledItemId,
        SupplierId = "matrix-supplier",
        Currency = "USD",
        PriceTiers =
        {
            new PriceTier { MinQuantity = 1, UnitPrice = new Google.Type.Money { CurrencyCode = "USD", Units = 500 } },
            new PriceTier { MinQuantity = 10, UnitPrice = new Google.Type.Money { CurrencyCode = "USD", Units = 450 } },
        },
        ClosesAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(30)),
        MinimumVolume = 1,
    };

    public Task<Pool> OpenPoolAsync(string title) => Admin.Procurement.OpenPoolAsync(NewPool(title)).ResponseAsync;

    /// <summary>KZ's first commitment to a pool of <see cref="PooledItemId"/>, delivered to the KZ site.</summary>
    public static CommitRequest KzCommitment(string poolId) => new()
    {
        PoolId = poolId,
        CountryCode = "KZ",
        Quantity = 3,
        MaxUnitPrice = new Google.Type.Money { CurrencyCode = "USD", Units = 500 },
        DeliveryInstitutionId = KzSite,
        BudgetReference = "KZ-MOH-MATRIX",
    };

    public async ValueTask DisposeAsync() => await Running.DisposeAsync();

    /// <summary>The consortium admin's clients, for setting up and checking what a denied call did not do.</summary>
    public sealed class AdminClients(GrpcChannel channel)
    {
        public RegistryService.RegistryServiceClient Registry { get; } = new(channel);
        public ApprovalsService.ApprovalsServiceClient Approvals { get; } = new(channel);
        public SlotsService.SlotsServiceClient Slots { get; } = new(channel);
        public ProcurementService.ProcurementServiceClient Procurement { get; } = new(channel);
    }
}
