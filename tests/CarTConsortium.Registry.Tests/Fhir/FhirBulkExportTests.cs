using System.Security.Claims;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Api;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Tests.UseCases;
using CarTConsortium.Registry.UseCases.Fhir;
using CarTConsortium.Registry.UseCases.Patients;
using Hl7.Fhir.Model;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;
using Claim = System.Security.Claims.Claim;
using Task = System.Threading.Tasks.Task;

namespace CarTConsortium.Registry.Tests.Fhir;

/// <summary>The registry in bulk: the active records the caller may list, each a valid bundle, each read logged.</summary>
public sealed class FhirBulkExportTests : IAsyncLifetime
{
    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public async ValueTask DisposeAsync() => await _world.DisposeAsync();

    private async Task<List<Bundle>> ExportAllAsync(Caller caller, string? release = null)
    {
        var all = new List<Bundle>();
        await foreach (var bundle in new ExportRegistryFhir(_world.ListPatients, _world.Clock)
            .ExecuteAsync(new ExportRegistryFhirCommand(AccessPurpose.QualityReview, "EBMT release", release), caller, None))
        {
            all.Add(bundle);
        }
        return all;
    }

    private static string PatientOf(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single().Id!;

    [Fact]
    public async Task An_admin_gets_every_shared_active_record_across_pages_and_nothing_else()
    {
        var shared = new List<string>();
        // More than one page of the store.
        for (var i = 0; i < ExportRegistryFhir.PageSize + 3; i++)
        {
            shared.Add((await _world.EnrolAsync(AstanaClinician, $"KZ-0101-2015-{i:000}", consents: Shared)).Id);
        }
        var local = await _world.EnrolAsync(AstanaClinician, "KZ-0202-2015-01");
        var frozen = await _world.EnrolAsync(AstanaClinician, "KZ-0202-2015-02", consents: Shared);
        await _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(frozen.Id, Withdrawn, frozen.Version), AstanaClinician, None);
        var full = await ClinicalHistory.RecordAsync(_world);
        shared.Add(full.Id);

        var bundles = await ExportAllAsync(Admin);

        Assert.Equal(shared.Order(StringComparer.Ordinal), bundles.Select(PatientOf).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(local.Id, bundles.Select(PatientOf));
        Assert.DoesNotContain(frozen.Id, bundles.Select(PatientOf));
        FhirValidation.AssertValid(bundles.Single(b => PatientOf(b) == full.Id));
        var log = await _world.AccessLogAsync();
        Assert.Equal(shared.Order(StringComparer.Ordinal), log.Select(e => e.Pseudonym).Order(StringComparer.Ordinal));
        Assert.All(log, e => Assert.Equal((ExportRegistryFhir.Operation, AccessPurpose.QualityReview), (e.Rpc, e.Purpose)));
    }

    [Fact]
    public async Task A_clinician_gets_its_own_country_and_a_release_cannot_be_named_yet()
    {
        var kz = await _world.EnrolAsync(AstanaClinician, "KZ-0303-2015-01");
        await _world.EnrolAsync(TashkentClinician, "UZ-0303-2015-01");

        var bundles = await ExportAllAsync(AlmatyClinician);
        var named = await Assert.ThrowsAsync<InvalidArgumentException>(() => ExportAllAsync(Admin, release: "2026-03"));

        Assert.Equal([kz.Id], bundles.Select(PatientOf));
        Assert.Equal("release", Assert.Single(named.Violations).Field);
    }
}

/// <summary>Each FHIR route's role-level rule: who may call it and who may not.</summary>
public sealed class FhirAccessTests
{
    private static ClaimsPrincipal User(string? scope, params string[] roles)
    {
        var claims = roles.Select(r => new Claim(PlatformClaims.Role, r)).ToList();
        if (scope is not null)
        {
            claims.Add(new Claim(PlatformClaims.Scope, scope));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: "test"));
    }

    public static TheoryData<string, string, bool> Rules => new()
    {
        { "export", Roles.Clinician, true },
        { "export", Roles.HospitalCoordinator, true },
        { "export", Roles.ConsortiumAdmin, true },
        { "export", Roles.RegulatoryOfficer, false },
        { "export", Roles.ProcurementOfficer, false },
        { "export", Roles.ManufacturingSite, false },
        { "import", Roles.Clinician, true },
        { "import", Roles.HospitalCoordinator, false },
        { "import", Roles.ConsortiumAdmin, false },
        { "import", Roles.RegulatoryOfficer, false },
        { "bulk", Roles.ConsortiumAdmin, true },
        { "bulk", Roles.Clinician, true },
        { "bulk", Roles.HospitalCoordinator, true },
        { "bulk", Roles.RegulatoryOfficer, false },
        { "bulk", Roles.ManufacturingSite, false },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Only_the_routes_roles_pass(string route, string role, bool allowed)
    {
        var roles = route switch { "export" => FhirAccess.ExportPatient, "import" => FhirAccess.Import, _ => FhirAccess.ExportRegistry };

        var refusal = FhirAccess.Refusal(User("registry slots", role), roles);

        Assert.Equal(allowed, refusal is null);
        if (!allowed)
        {
            Assert.Equal(403, refusal!.Value.Status);
        }
    }

    [Fact]
    public void Without_a_token_or_the_registry_scope_nobody_passes()
    {
        Assert.Equal(401, FhirAccess.Refusal(new ClaimsPrincipal(new ClaimsIdentity()), FhirAccess.ExportPatient)!.Value.Status);
        Assert.Equal(403, FhirAccess.Refusal(User("slots", Roles.ConsortiumAdmin), FhirAccess.ExportRegistry)!.Value.Status);
    }

    [Theory]
    [InlineData("TREATMENT", AccessPurpose.Treatment)]
    [InlineData("ACCESS_PURPOSE_QUALITY_REVIEW", AccessPurpose.QualityReview)]
    [InlineData("research", AccessPurpose.Research)]
    [InlineData("", null)]
    [InlineData("ACCESS_PURPOSE_UNSPECIFIED", null)]
    [InlineData("3", null)]
    [InlineData("research,quality_review", null)]
    [InlineData("Research, QualityReview", null)]
    [InlineData("qualityreview", null)]
    [InlineData("ACCESS_PURPOSE_", null)]
    public void The_purpose_is_read_by_name(string text, AccessPurpose? expected) => Assert.Equal(expected, FhirEndpoints.Purpose(text));
}
