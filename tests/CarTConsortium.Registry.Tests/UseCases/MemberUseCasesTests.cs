using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Members;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using AccreditationStatus = CarTConsortium.Registry.Domain.Members.AccreditationStatus;
using Capabilities = CarTConsortium.Registry.Domain.Members.Capabilities;
using Institution = CarTConsortium.Registry.Domain.Members.Institution;
using InstitutionKind = CarTConsortium.Registry.Domain.Members.InstitutionKind;
using Membership = CarTConsortium.Registry.Domain.Members.Membership;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>The membership use cases on a real SQLite file: state rules, concurrency and the events they raise.</summary>
public sealed class MemberUseCasesTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Institution.AccreditationInput Accredited = new(AccreditationStatus.Accredited, "FACT-JACIE", new DateParts(2028, 1, 31));
    private static readonly DateParts Jan1 = new(2026, 1, 1);

    private readonly TemporaryFolder _folder = new("cartc-members-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.Zero));
    private readonly SqliteDocumentStore _store;
    private readonly RegistryUseCases _registry;

    public MemberUseCasesTests()
    {
        _store = new SqliteDocumentStore(Path.Combine(_folder, "registry.db"), new OutboxSignal());
        _registry = new RegistryUseCases(_store, _clock, new Domain.Patients.Pseudonymiser(RegistryWorld.Secrets()));
    }

    public async ValueTask InitializeAsync()
    {
        await _registry.AdmitCountry.ExecuteAsync(new AdmitCountryCommand("KZ", "Kazakhstan", Membership.Member), None);
        await _registry.AdmitCountry.ExecuteAsync(new AdmitCountryCommand("UZ", "Uzbekistan", Membership.Member), None);
        await _registry.AdmitCountry.ExecuteAsync(new AdmitCountryCommand("KG", "Kyrgyzstan", Membership.Member), None);
        await _registry.AdmitCountry.ExecuteAsync(new AdmitCountryCommand("US", "United States", Membership.Reference), None);
    }

    // Here, not in a Dispose: xunit v3 never calls Dispose on a class that has DisposeAsync.
    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_country_is_admitted_once_and_announced()
    {
        await Assert.ThrowsAsync<DocumentExistsException>(() => _registry.AdmitCountry.ExecuteAsync(new AdmitCountryCommand("KZ", "Kazakhstan again", Membership.Member), None));

        var events = await Events<CountryAdmitted>();
        Assert.Equal(["KZ", "UZ", "KG", "US"], events.Select(e => e.Country.CountryCode));
        Assert.Equal(Contracts.Registry.V1.Membership.Reference, events[^1].Country.Membership);
        var members = await _registry.ListCountries.ExecuteAsync(new ListCountriesCommand(0, null, Membership.Member), None);
        Assert.Equal(["KG", "KZ", "UZ"], members.Countries.Select(c => c.Id));
    }

    [Fact]
    public async Task An_agreement_needs_two_members()
    {
        var error = await Assert.ThrowsAsync<RuleViolationException>(() => _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "US"], true, false, 0, Jan1, null), None));

        Assert.Contains("US is not a member", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RuleViolationException>(() => _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "TJ"], true, false, 0, Jan1, null), None));
        Assert.Empty((await _registry.ListAgreements.ExecuteAsync(new ListAgreementsCommand(0, null, null), None)).Agreements);
    }

    [Fact]
    public async Task A_pair_has_one_agreement_in_force_and_may_sign_again_once_it_ended()
    {
        var signed = await _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["UZ", "KZ"], true, true, 3, Jan1, null), None);

        await Assert.ThrowsAsync<AlreadyExistsException>(() => _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "UZ"], false, true, 5, new DateParts(2026, 6, 1), null), None));
        var ended = await _registry.EndAgreement.ExecuteAsync(new EndAgreementCommand("KZ-UZ", new DateParts(2026, 5, 31), signed.Version), None);
        // Still in force on 31 May: new terms may start the day after, not on it.
        await Assert.ThrowsAsync<AlreadyExistsException>(() => _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "UZ"], false, true, 5, new DateParts(2026, 5, 31), null), None));
        var renewed = await _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "UZ"], false, true, 5, new DateParts(2026, 6, 1), null), None);

        Assert.Equal(2, ended.Version);
        Assert.Equal(3, renewed.Version);
        var stored = await _store.FindAsync(RegistryCollections.Agreements, "KZ-UZ", None);
        Assert.Equal(renewed.Value.CountryCodes, stored!.Value.CountryCodes);
        Assert.Equal(renewed with { Value = renewed.Value with { CountryCodes = stored.Value.CountryCodes } }, stored);
        var changes = await Events<AgreementChanged>();
        Assert.Equal([1L, 2L, 3L], changes.Select(e => e.Agreement.Revision.Version));
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 5, Day = 31 }, changes[1].Agreement.EndsOn);
        Assert.False(changes[2].Agreement.CrossBorderCare);
    }

    [Fact]
    public async Task Ending_an_agreement_checks_its_revision_and_exists()
    {
        var signed = await _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "UZ"], true, false, 0, Jan1, null), None);

        await Assert.ThrowsAsync<CallerRevisionStaleException>(() => _registry.EndAgreement.ExecuteAsync(new EndAgreementCommand("KZ-UZ", new DateParts(2026, 12, 31), signed.Version + 1), None));
        await Assert.ThrowsAsync<NotFoundException>(() => _registry.EndAgreement.ExecuteAsync(new EndAgreementCommand("KG-KZ", new DateParts(2026, 12, 31), 1), None));
        var bad = await Assert.ThrowsAsync<InvalidArgumentException>(() => _registry.EndAgreement.ExecuteAsync(new EndAgreementCommand("kz-uz!", new DateParts(2026, 12, 31), 0), None));
        Assert.Equal(["agreement_id", "expected_revision"], bad.Violations.Select(v => v.Field));
        Assert.Null((await _store.FindAsync(RegistryCollections.Agreements, "KZ-UZ", None))!.Value.EndsOn);
    }

    [Fact]
    public async Task Agreements_list_by_country_on_either_side_page_by_page()
    {
        await _registry.AdmitCountry.ExecuteAsync(new AdmitCountryCommand("TJ", "Tajikistan", Membership.Member), None);
        await _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "UZ"], true, false, 0, Jan1, null), None);
        await _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KG", "KZ"], true, true, 2, Jan1, null), None);
        await _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "TJ"], false, true, 4, Jan1, null), None);
        await _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KG", "UZ"], true, false, 0, Jan1, null), None);

        var first = await _registry.ListAgreements.ExecuteAsync(new ListAgreementsCommand(2, null, "KZ"), None);
        var second = await _registry.ListAgreements.ExecuteAsync(new ListAgreementsCommand(2, first.NextPageToken, "KZ"), None);

        Assert.Equal(["KG-KZ", "KZ-TJ"], first.Agreements.Select(a => a.Id));
        Assert.Equal(["KZ-UZ"], second.Agreements.Select(a => a.Id));
        Assert.Equal("", second.NextPageToken);
        Assert.Equal(["KG-KZ", "KG-UZ"], (await _registry.ListAgreements.ExecuteAsync(new ListAgreementsCommand(0, null, "KG"), None)).Agreements.Select(a => a.Id));
        Assert.Equal(4, (await _registry.ListAgreements.ExecuteAsync(new ListAgreementsCommand(0, null, null), None)).Agreements.Count);
    }

    [Fact]
    public async Task An_institution_belongs_to_a_member_country()
    {
        var error = await Assert.ThrowsAsync<RuleViolationException>(() =>
            _registry.RegisterInstitution.ExecuteAsync(new RegisterInstitutionCommand("us-chop", "Children's Hospital of Philadelphia", "US", InstitutionKind.TreatmentCentre, Accredited, null, null), None));

        Assert.Contains("US is not a member", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Events<InstitutionChanged>());
    }

    [Fact]
    public async Task A_spoke_refers_to_a_treatment_centre_that_is_a_hub()
    {
        await Hospital("kz-astana-childrens", "KZ");
        await Site("kz-ncb-astana", "KZ");
        await Hospital("kz-karaganda", "KZ", hub: "kz-astana-childrens", kind: InstitutionKind.ReferralHospital);

        // No such hub; a site is no hub; a spoke is no hub.
        await Assert.ThrowsAsync<RuleViolationException>(() => Hospital("kz-pavlodar", "KZ", hub: "kz-nowhere"));
        await Assert.ThrowsAsync<RuleViolationException>(() => Hospital("kz-pavlodar", "KZ", hub: "kz-ncb-astana"));
        await Assert.ThrowsAsync<RuleViolationException>(() => Hospital("kz-pavlodar", "KZ", hub: "kz-karaganda"));
        // A hub with spokes does not become a spoke itself.
        var hub = await _registry.GetInstitution.ExecuteAsync(new GetInstitutionCommand("kz-astana-childrens"), None);
        await Hospital("kz-almaty-oncology", "KZ");
        await Assert.ThrowsAsync<RuleViolationException>(() =>
            _registry.UpdateInstitution.ExecuteAsync(new UpdateInstitutionCommand("kz-astana-childrens", "Astana", Accredited, null, "kz-almaty-oncology", hub.Version), None));

        Assert.Null(await _store.FindAsync(RegistryCollections.Institutions, "kz-pavlodar", None));
        Assert.Null((await _registry.GetInstitution.ExecuteAsync(new GetInstitutionCommand("kz-astana-childrens"), None)).Value.HubInstitutionId);
    }

    [Fact]
    public async Task A_spoke_refers_across_a_border_only_under_a_cross_border_care_agreement_in_force()
    {
        await Hospital("kz-astana-childrens", "KZ");

        await Assert.ThrowsAsync<RuleViolationException>(() => Hospital("kg-osh-oncology", "KG", hub: "kz-astana-childrens"));
        await _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KG", "KZ"], false, true, 2, Jan1, null), None);
        await Assert.ThrowsAsync<RuleViolationException>(() => Hospital("kg-osh-oncology", "KG", hub: "kz-astana-childrens"));
        var shipmentOnly = await _store.FindAsync(RegistryCollections.Agreements, "KG-KZ", None);
        await _registry.EndAgreement.ExecuteAsync(new EndAgreementCommand("KG-KZ", new DateParts(2026, 1, 31), shipmentOnly!.Version), None);
        await _registry.SignAgreement.ExecuteAsync(new SignAgreementCommand(["KG", "KZ"], true, true, 2, new DateParts(2026, 4, 1), null), None);
        // Signed, but not yet in force on 10 March.
        await Assert.ThrowsAsync<RuleViolationException>(() => Hospital("kg-osh-oncology", "KG", hub: "kz-astana-childrens"));

        _clock.SetUtcNow(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        var spoke = await Hospital("kg-osh-oncology", "KG", hub: "kz-astana-childrens");

        Assert.Equal("kz-astana-childrens", spoke.Value.HubInstitutionId);
    }

    [Fact]
    public async Task Updating_an_institution_checks_its_revision_and_announces_the_new_state()
    {
        var site = await Site("kz-ncb-astana", "KZ");

        var updated = await _registry.UpdateInstitution.ExecuteAsync(new UpdateInstitutionCommand("kz-ncb-astana", "NCB Astana", Accredited, new Capabilities(4, 0, true), null, site.Version), None);
        await Assert.ThrowsAsync<CallerRevisionStaleException>(() =>
            _registry.UpdateInstitution.ExecuteAsync(new UpdateInstitutionCommand("kz-ncb-astana", "NCB", Accredited, new Capabilities(1, 0, true), null, site.Version), None));

        Assert.Equal(2, updated.Version);
        Assert.Equal(updated, await _registry.GetInstitution.ExecuteAsync(new GetInstitutionCommand("kz-ncb-astana"), None));
        var announced = (await Events<InstitutionChanged>())[^1].Institution;
        Assert.Equal(4, announced.Capabilities.ProductionLines);
        Assert.Equal(2, announced.Revision.Version);
        Assert.Equal(Contracts.Registry.V1.InstitutionKind.ManufacturingSite, announced.Kind);
    }

    [Fact]
    public async Task Of_two_concurrent_updates_from_one_revision_exactly_one_wins()
    {
        var site = await Site("kz-ncb-astana", "KZ");

        var attempts = Enumerable.Range(1, 8).Select(lines => Task.Run(() =>
            _registry.UpdateInstitution.ExecuteAsync(new UpdateInstitutionCommand("kz-ncb-astana", "NCB", Accredited, new Capabilities(lines, 0, false), null, site.Version), None))).ToArray();
        var outcomes = await Task.WhenAll(attempts.Select(async a =>
        {
            try
            {
                await a;
                return "won";
            }
            catch (ConcurrencyConflictException)
            {
                return "aborted";
            }
        }));

        Assert.Equal(1, outcomes.Count(o => o == "won"));
        Assert.Equal(7, outcomes.Count(o => o == "aborted"));
        Assert.Equal(2, (await _registry.GetInstitution.ExecuteAsync(new GetInstitutionCommand("kz-ncb-astana"), None)).Version);
        Assert.Equal(2, (await Events<InstitutionChanged>()).Count);
    }

    [Fact]
    public async Task Institutions_list_by_country_and_kind()
    {
        await Hospital("kz-astana-childrens", "KZ");
        await Site("kz-ncb-astana", "KZ");
        await Site("uz-tashkent-cell-lab", "UZ");

        Assert.Equal(["kz-ncb-astana", "uz-tashkent-cell-lab"],
            (await _registry.ListInstitutions.ExecuteAsync(new ListInstitutionsCommand(0, null, null, InstitutionKind.ManufacturingSite), None)).Institutions.Select(i => i.Id));
        Assert.Equal(["kz-astana-childrens", "kz-ncb-astana"], (await _registry.ListInstitutions.ExecuteAsync(new ListInstitutionsCommand(0, null, "KZ", null), None)).Institutions.Select(i => i.Id));
        Assert.Equal("country_code", Assert.Single((await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _registry.ListInstitutions.ExecuteAsync(new ListInstitutionsCommand(0, null, "Kazakhstan", null), None))).Violations).Field);
        await Assert.ThrowsAsync<NotFoundException>(() => _registry.GetInstitution.ExecuteAsync(new GetInstitutionCommand("kz-nowhere"), None));
    }

    private Task<Stored<Institution>> Hospital(string id, string country, string? hub = null, InstitutionKind kind = InstitutionKind.TreatmentCentre) =>
        _registry.RegisterInstitution.ExecuteAsync(new RegisterInstitutionCommand(id, id, country, kind, Accredited, new Capabilities(0, 6, true), hub), None);

    private Task<Stored<Institution>> Site(string id, string country) =>
        _registry.RegisterInstitution.ExecuteAsync(new RegisterInstitutionCommand(id, id, country, InstitutionKind.ManufacturingSite, Accredited, new Capabilities(2, 0, false), null), None);

    private async Task<List<T>> Events<T>() where T : Google.Protobuf.IMessage<T>, new()
    {
        var topic = BuildingBlocks.Eventing.IntegrationEvents.TopicOf<T>();
        var parser = new Google.Protobuf.MessageParser<T>(() => new T());
        return [.. (await _store.ReadPendingAsync(500, None)).Where(m => m.Topic == topic).Select(m => parser.ParseJson(m.Payload))];
    }
}
