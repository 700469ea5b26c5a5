using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.UseCases.Members;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;
using Messages = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>EnrolPatient on a real SQLite file: one child, one pseudonym per country; where and by whom a child may be enrolled.</summary>
public sealed class EnrolmentTests : IAsyncLifetime
{
    private const string ChildId = "ab 0101-5050-0123";

    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task The_same_child_enrolled_again_in_one_country_is_already_existing_and_the_message_names_neither_id_nor_pseudonym()
    {
        var first = await _world.EnrolAsync(AstanaClinician, ChildId);

        foreach (var sameChild in new[] { "AB010150500123", "Ab 0101 5050 0123", "ab-0101-5050-0123", "AB\u00a00101\u20135050 0123" })
        {
            var again = await Assert.ThrowsAsync<AlreadyExistsException>(() => _world.EnrolAsync(AlmatyClinician, sameChild));

            Assert.DoesNotContain(first.Id, again.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(first.Id[3..], again.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("010150500123", again.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(sameChild, again.Message, StringComparison.OrdinalIgnoreCase);
            Assert.IsNotType<DocumentExistsException>(again);
        }
        var only = Assert.Single(await _world.AllPatientsAsync());
        AssertSame(first, only);
        Assert.Single(await _world.EventsAsync<Messages.PatientEnrolled>());
    }

    [Fact]
    public async Task The_same_identifier_issued_by_another_country_is_another_patient()
    {
        var kazakh = await _world.EnrolAsync(AstanaClinician, ChildId);
        var uzbek = await _world.EnrolAsync(TashkentClinician, ChildId);

        Assert.NotEqual(kazakh.Id, uzbek.Id);
        Assert.StartsWith("KZ-", kazakh.Id, StringComparison.Ordinal);
        Assert.StartsWith("UZ-", uzbek.Id, StringComparison.Ordinal);
        Assert.NotEqual(kazakh.Id[3..], uzbek.Id[3..]);
        Assert.Equal(2, (await _world.AllPatientsAsync()).Count);
    }

    [Fact]
    public async Task A_caller_enrols_for_its_own_institution_only_and_a_refusal_writes_nothing()
    {
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.EnrolAsync(AlmatyClinician, ChildId, institution: Astana));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.EnrolAsync(Admin, ChildId, country: "KZ", institution: Astana));
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _world.EnrolAsync(Callers.Of(Roles.ProcurementOfficer, "KZ", Astana), ChildId, institution: Astana));
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _world.EnrolAsync(Callers.Of(Roles.RegulatoryOfficer, "KZ", Astana), ChildId, institution: Astana));

        Assert.Empty(await _world.AllPatientsAsync());
        Assert.Empty(await _world.EventsAsync<Messages.PatientEnrolled>());
        // The refused enrolments left the identifier free for the institution that treats the child.
        await _world.EnrolAsync(AstanaCoordinator, ChildId);
    }

    [Fact]
    public async Task A_child_is_enrolled_at_a_treatment_centre_only()
    {
        var atSite = await Assert.ThrowsAsync<RuleViolationException>(() =>
            _world.EnrolAsync(Callers.Of(Roles.Clinician, "KZ", NcbSite), ChildId));
        // An org the registry does not know is no institution to act for.
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _world.EnrolAsync(Callers.Of(Roles.Clinician, "KZ", "kz-nowhere-hospital"), ChildId));

        Assert.Contains(NcbSite, atSite.Message, StringComparison.Ordinal);
        Assert.Empty(await _world.AllPatientsAsync());
        Assert.Empty(await _world.EventsAsync<Messages.PatientEnrolled>());
    }

    [Fact]
    public async Task A_token_of_another_country_naming_an_institution_acts_for_nothing()
    {
        // The UZ provider is trusted for UZ; an org of Kazakhstan in its token gives no right there.
        var impostor = Callers.Of(Roles.Clinician, "UZ", Astana);
        var enrolled = await _world.EnrolAsync(AstanaClinician, ChildId);

        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.EnrolAsync(impostor, "KZ-5555-0001", country: "KZ"));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(impostor, enrolled.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.InfuseAsync(impostor, enrolled.Id, new DateOnly(2026, 3, 1)));
        Assert.Empty(await _world.ListAllAsync(impostor, institution: Astana));
        Assert.Single(await _world.AllPatientsAsync());
    }

    [Fact]
    public async Task A_kyrgyz_child_is_treated_in_Kazakhstan_under_the_cross_border_care_agreement_in_force()
    {
        var kyrgyz = await _world.EnrolAsync(AstanaClinician, ChildId, country: "KG");

        Assert.StartsWith("KG-", kyrgyz.Id, StringComparison.Ordinal);
        Assert.Equal("KG", kyrgyz.Value.CountryCode);
        Assert.Equal(Astana, kyrgyz.Value.TreatingInstitutionId);
    }

    [Fact]
    public async Task Without_an_agreement_a_kyrgyz_child_is_not_enrolled_in_Kazakhstan()
    {
        await using var bare = await CreateAsync(kgKzAgreement: false);

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => bare.EnrolAsync(AstanaClinician, ChildId, country: "KG"));

        Assert.Contains("cross-border care", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await bare.AllPatientsAsync());
        Assert.Empty(await bare.EventsAsync<Messages.PatientEnrolled>());
    }

    [Fact]
    public async Task Once_the_agreement_has_ended_a_kyrgyz_child_is_not_enrolled_in_Kazakhstan()
    {
        var agreement = await _world.ListAgreements.ExecuteAsync(new ListAgreementsCommand(0, null, "KG"), None);
        await _world.EndAgreement.ExecuteAsync(new EndAgreementCommand("KG-KZ", new DateParts(2026, 3, 10), Assert.Single(agreement.Agreements).Version), None);
        // Still in force on its last day.
        var lastDay = await _world.EnrolAsync(AstanaClinician, "KG-0001-0001", country: "KG");
        _world.Clock.Advance(TimeSpan.FromDays(1));

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => _world.EnrolAsync(AstanaClinician, ChildId, country: "KG"));

        Assert.Contains("cross-border care", refused.Message, StringComparison.Ordinal);
        Assert.Equal([lastDay.Id], (await _world.AllPatientsAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task An_uzbek_child_is_not_enrolled_in_Kazakhstan_without_an_agreement()
    {
        await Assert.ThrowsAsync<RuleViolationException>(() => _world.EnrolAsync(AstanaClinician, ChildId, country: "UZ"));

        Assert.Empty(await _world.AllPatientsAsync());
        Assert.Empty(await _world.EventsAsync<Messages.PatientEnrolled>());
    }

    [Fact]
    public async Task A_child_of_a_reference_country_is_not_enrolled()
    {
        // The registry holds no secret for US, and US is no member either.
        await Assert.ThrowsAsync<RuleViolationException>(() => _world.EnrolAsync(AstanaClinician, ChildId, country: "US"));

        Assert.Empty(await _world.AllPatientsAsync());
    }

    [Fact]
    public async Task The_country_of_the_identifier_defaults_to_the_callers()
    {
        var byDefault = await _world.EnrolAsync(AstanaClinician, ChildId, country: null);
        var empty = await _world.EnrolAsync(TashkentClinician, ChildId, country: "");

        Assert.Equal("KZ", byDefault.Value.CountryCode);
        Assert.Equal(_world.Pseudonymiser.Derive("KZ", ChildId), byDefault.Id);
        Assert.Equal("UZ", empty.Value.CountryCode);
        Assert.Equal(_world.Pseudonymiser.Derive("UZ", ChildId), empty.Id);
    }

    [Fact]
    public async Task PatientEnrolled_carries_the_pseudonym_country_institution_birth_month_and_consents_and_nothing_else_about_the_patient()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, ChildId, consents: Shared, birthYear: 2015, birthMonth: 11);

        var message = Assert.Single(await _world.OutboxAsync(), m => m.Topic == "consortium.registry.v1.PatientEnrolled");
        var raised = Messages.PatientEnrolled.Parser.ParseJson(message.Payload);

        Assert.Equal(new Messages.PatientEnrolled
        {
            Pseudonym = enrolled.Id,
            CountryCode = "KZ",
            TreatingInstitutionId = Astana,
            BirthYear = 2015,
            BirthMonth = 11,
            Consents = new Messages.Consents { Registry = true, CrossBorderSharing = true, Research = true },
            Revision = new Contracts.Common.V1.Revision { Version = 1 },
        }, raised);
        using var json = System.Text.Json.JsonDocument.Parse(message.Payload);
        Assert.Equal(["birthMonth", "birthYear", "consents", "countryCode", "pseudonym", "revision", "treatingInstitutionId"],
            json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("010150500123", message.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("Female", message.Payload, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Start, message.OccurredAt);
        Assert.Equal(1, enrolled.Version);
        AssertSame(enrolled, await _world.StoredAsync(enrolled.Id));
    }
}
