using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>GetPatient and ListPatients: who sees which record, and that every record returned is logged once, with its reason.</summary>
public sealed class PatientReadTests : IAsyncLifetime
{
    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    public static TheoryData<string> NeverReaders => [Roles.ProcurementOfficer, Roles.RegulatoryOfficer, Roles.ManufacturingSite];

    [Fact]
    public async Task A_clinician_of_the_patients_country_reads_the_record_and_the_read_is_logged_with_who_and_why()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001");
        _world.Clock.Advance(TimeSpan.FromMinutes(5));

        var read = await _world.ReadAsync(AlmatyClinician, enrolled.Id, AccessPurpose.FollowUp, "  second opinion on relapse  ");

        AssertSame(enrolled, read);
        var entry = Assert.Single(await _world.AccessLogAsync());
        Assert.Equal(new AccessLogEntry(entry.EntryId, Start.AddMinutes(5), AlmatyClinician.Subject, AlmatyClinician.ClientId, "KZ", Almaty,
            "GetPatient", enrolled.Id, AccessPurpose.FollowUp, "second opinion on relapse"), entry);
        Assert.Equal("clinician@kz-almaty-oncology", entry.Subject);
        Assert.Equal("kz-almaty-oncology-client", entry.ClientId);
        Assert.True(Guid.TryParse(entry.EntryId, out var id));
        Assert.Equal(7, id.Version);
    }

    [Fact]
    public async Task A_read_that_gives_no_purpose_is_invalid_and_is_not_logged()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001");

        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.ReadAsync(AstanaClinician, enrolled.Id, purpose: null));
        var tooLong = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _world.ReadAsync(AstanaClinician, enrolled.Id, justification: new string('x', AccessLogEntry.MaxJustification + 1)));
        var badPseudonym = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.ReadAsync(AstanaClinician, "KZ-not-a-pseudonym"));

        Assert.Equal("purpose", Assert.Single(invalid.Violations).Field);
        Assert.Equal("justification", Assert.Single(tooLong.Violations).Field);
        Assert.Equal("pseudonym", Assert.Single(badPseudonym.Violations).Field);
        Assert.Empty(await _world.AccessLogAsync());
    }

    [Fact]
    public async Task A_clinician_of_another_country_is_refused_a_record_not_shared_across_borders_and_nothing_is_logged()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001", consents: RegistryOnly);

        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(TashkentClinician, enrolled.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(Admin, enrolled.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(Callers.Of(Roles.HospitalCoordinator, "UZ", Tashkent), enrolled.Id));

        Assert.Empty(await _world.AccessLogAsync());
    }

    [Fact]
    public async Task With_cross_border_consent_a_clinician_of_another_country_and_the_consortium_admin_read_it()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001", consents: Shared);

        await _world.ReadAsync(TashkentClinician, enrolled.Id, AccessPurpose.Booking, "");
        _world.Clock.Advance(TimeSpan.FromSeconds(1));
        await _world.ReadAsync(Admin, enrolled.Id, AccessPurpose.QualityReview, "annual audit");
        // A hospital coordinator is no clinician: the consortium view is not theirs.
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(Callers.Of(Roles.HospitalCoordinator, "UZ", Tashkent), enrolled.Id));

        var log = await _world.AccessLogAsync();
        Assert.Equal([("UZ", Tashkent, AccessPurpose.Booking), (null, "consortium-secretariat", AccessPurpose.QualityReview)],
            log.Select(e => (e.CountryCode, e.InstitutionId, e.Purpose)));
        Assert.All(log, e => Assert.Equal(enrolled.Id, e.Pseudonym));
    }

    [Fact]
    public async Task An_unknown_patient_is_not_found_and_nothing_is_logged()
    {
        var unknown = _world.Pseudonymiser.Derive("KZ", "KZ-9999-9999");

        await Assert.ThrowsAsync<NotFoundException>(() => _world.ReadAsync(AstanaClinician, unknown));

        Assert.Empty(await _world.AccessLogAsync());
    }

    [Theory]
    [MemberData(nameof(NeverReaders))]
    public async Task Procurement_regulatory_and_site_callers_see_no_patient(string role)
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001", consents: Shared);
        // Even acting for the treating institution itself, in the patient's country.
        var caller = Callers.Of(role, "KZ", Astana);

        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(caller, enrolled.Id));
        var listed = await _world.ListAllAsync(caller);
        var byInstitution = await _world.ListAllAsync(caller, institution: Astana);

        Assert.Empty(listed);
        Assert.Empty(byInstitution);
        Assert.Empty(await _world.AccessLogAsync());
    }

    [Fact]
    public async Task A_KZ_callers_list_holds_by_default_the_KZ_patients_it_may_see()
    {
        var cohort = await EnrolCohortAsync();

        var astana = await _world.ListAllAsync(AstanaClinician);
        var almaty = await _world.ListAllAsync(AlmatyClinician);
        var coordinator = await _world.ListAllAsync(AstanaCoordinator);

        Assert.Equal(Ids(cohort.KzAstana, cohort.KzAlmaty, cohort.KzShared), Ids(astana));
        Assert.Equal(Ids(cohort.KzAstana, cohort.KzAlmaty, cohort.KzShared, cohort.KzFrozenAtAlmaty), Ids(almaty));
        Assert.Equal(Ids(astana), Ids(coordinator));
    }

    [Fact]
    public async Task A_list_filters_by_treating_institution_and_by_country()
    {
        var cohort = await EnrolCohortAsync();

        Assert.Equal(Ids(cohort.KzAstana, cohort.KzShared, cohort.KgAtAstana), Ids(await _world.ListAllAsync(AstanaClinician, institution: Astana)));
        Assert.Equal(Ids(cohort.KzAlmaty), Ids(await _world.ListAllAsync(AstanaClinician, institution: Almaty)));
        Assert.Equal(Ids(cohort.KgAtAstana), Ids(await _world.ListAllAsync(AstanaClinician, country: "KG")));
        Assert.Equal(Ids(cohort.UzShared), Ids(await _world.ListAllAsync(AstanaClinician, country: "UZ")));
        Assert.Equal(Ids(cohort.UzShared), Ids(await _world.ListAllAsync(AstanaClinician, institution: Tashkent, country: "UZ")));
        Assert.Empty(await _world.ListAllAsync(AstanaClinician, institution: Astana, country: "UZ"));
        Assert.Equal(Ids(cohort.UzTashkent, cohort.UzShared, cohort.KzShared),
            Ids(await _world.ListAllAsync(TashkentClinician)).Concat(Ids(await _world.ListAllAsync(TashkentClinician, country: "KZ"))).Order(StringComparer.Ordinal));
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.ListAllAsync(AstanaClinician, institution: "Astana!", country: "kz"));
        Assert.Equal(["treating_institution_id", "country_code"], invalid.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task The_admins_list_is_by_default_the_consortium_view_of_shared_records_only()
    {
        var cohort = await EnrolCohortAsync();

        Assert.Equal(Ids(cohort.KzShared, cohort.UzShared), Ids(await _world.ListAllAsync(Admin)));
        Assert.Equal(Ids(cohort.UzShared), Ids(await _world.ListAllAsync(Admin, country: "UZ")));
        Assert.Equal(Ids(cohort.KzShared), Ids(await _world.ListAllAsync(Admin, institution: Astana)));
    }

    [Fact]
    public async Task Pages_of_one_return_each_visible_patient_once_and_each_returned_patient_is_logged_once()
    {
        var cohort = await EnrolCohortAsync();
        for (var i = 0; i < 4; i++)
        {
            await _world.EnrolAsync(AlmatyClinician, $"KZ-2000-{i:D4}");
        }

        var pages = new List<IReadOnlyList<string>>();
        string? token = null;
        do
        {
            var page = await _world.ListPatients.ExecuteAsync(new ListPatientsCommand(1, token, AccessPurpose.QualityReview, "audit", null, null), AstanaClinician, None);
            pages.Add([.. page.Patients.Select(p => p.Id)]);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && pages.Count < 100);

        var returned = pages.SelectMany(p => p).ToList();
        var expected = (await _world.AllPatientsAsync())
            .Where(p => p.Value.CountryCode == "KZ" && PatientVisibility.CanRead(AstanaClinician, p.Value).Allowed)
            .Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(7, expected.Count);
        Assert.DoesNotContain(cohort.KzFrozenAtAlmaty, returned);
        Assert.Equal(expected, returned);
        Assert.All(pages, p => Assert.True(p.Count <= 1));
        var log = await _world.AccessLogAsync();
        Assert.Equal(expected, log.Select(e => e.Pseudonym).Order(StringComparer.Ordinal));
        Assert.All(log, e => Assert.Equal(("ListPatients", AstanaClinician.Subject, AccessPurpose.QualityReview, "audit"), (e.Rpc, e.Subject, e.Purpose, e.Justification)));
    }

    [Fact]
    public async Task Every_list_read_is_logged_once_per_returned_patient_and_a_list_without_purpose_logs_nothing()
    {
        var cohort = await EnrolCohortAsync();

        var first = await _world.ListAllAsync(Admin);
        var second = await _world.ListAllAsync(Admin);
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _world.ListPatients.ExecuteAsync(new ListPatientsCommand(0, null, null, null, null, null), AstanaClinician, None));

        Assert.Equal("purpose", Assert.Single(invalid.Violations).Field);
        var log = await _world.AccessLogAsync();
        Assert.Equal(first.Count + second.Count, log.Count);
        Assert.Equal([cohort.KzShared, cohort.KzShared, cohort.UzShared, cohort.UzShared], log.Select(e => e.Pseudonym).Order(StringComparer.Ordinal));
    }

    private async Task<Cohort> EnrolCohortAsync()
    {
        var kzAstana = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001");
        var kzAlmaty = await _world.EnrolAsync(AlmatyClinician, "KZ-1000-0002");
        var kzShared = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0003", consents: Shared);
        var frozen = await _world.EnrolAsync(AlmatyClinician, "KZ-1000-0004");
        await _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(frozen.Id, Withdrawn, frozen.Version), AlmatyClinician, None);
        var uzTashkent = await _world.EnrolAsync(TashkentClinician, "UZ-1000-0001");
        var uzShared = await _world.EnrolAsync(TashkentClinician, "UZ-1000-0002", consents: Shared);
        var kgAtAstana = await _world.EnrolAsync(AstanaClinician, "KG-1000-0001", country: "KG");
        return new Cohort(kzAstana.Id, kzAlmaty.Id, kzShared.Id, frozen.Id, uzTashkent.Id, uzShared.Id, kgAtAstana.Id);
    }

    private static List<string> Ids(params string[] pseudonyms) => [.. pseudonyms.Order(StringComparer.Ordinal)];

    private static List<string> Ids(IEnumerable<BuildingBlocks.Storage.Stored<PatientRecord>> patients) => [.. patients.Select(p => p.Id).Order(StringComparer.Ordinal)];

    private sealed record Cohort(string KzAstana, string KzAlmaty, string KzShared, string KzFrozenAtAlmaty, string UzTashkent, string UzShared, string KgAtAstana);
}
