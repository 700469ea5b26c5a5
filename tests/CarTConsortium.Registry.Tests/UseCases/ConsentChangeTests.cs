using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;
using Messages = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>ChangeConsent: a withdrawal takes effect at once for every reader, the statistics and the record; a stale change changes nothing.</summary>
public sealed class ConsentChangeTests : IAsyncLifetime
{
    private static readonly DateOnly Infused = new(2025, 6, 2);

    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task Withdrawing_cross_border_sharing_ends_the_consortium_view_at_once()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001", consents: Shared);
        await _world.ReadAsync(TashkentClinician, enrolled.Id);
        await _world.ReadAsync(Admin, enrolled.Id);
        Assert.Single(await _world.ListAllAsync(Admin));
        Assert.Single(await _world.ListAllAsync(TashkentClinician, country: "KZ"));

        var changed = await _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, RegistryOnly with { Research = true }, enrolled.Version), AstanaCoordinator, None);

        Assert.Equal(2, changed.Version);
        AssertSame(changed, await _world.StoredAsync(enrolled.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(TashkentClinician, enrolled.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(Admin, enrolled.Id));
        Assert.Empty(await _world.ListAllAsync(Admin));
        Assert.Empty(await _world.ListAllAsync(Admin, country: "KZ"));
        Assert.Empty(await _world.ListAllAsync(TashkentClinician, country: "KZ"));
        // The patient's country still sees it.
        await _world.ReadAsync(AlmatyClinician, enrolled.Id);
        var raised = Assert.Single(await _world.EventsAsync<Messages.PatientConsentChanged>());
        Assert.Equal(new Messages.PatientConsentChanged
        {
            Pseudonym = enrolled.Id,
            Consents = new Messages.Consents { Registry = true, CrossBorderSharing = false, Research = true },
            Revision = new Contracts.Common.V1.Revision { Version = 2 },
        }, raised);
    }

    [Fact]
    public async Task Withdrawing_registry_consent_freezes_the_record_for_everyone_but_the_treating_institution()
    {
        var enrolled = await InfusedAsync("KZ-1000-0001", Shared);
        for (var i = 2; i <= 6; i++)
        {
            await InfusedAsync($"KZ-1000-000{i}", RegistryOnly);
        }
        Assert.Equal(6, (await _world.TotalAsync()).Measures!.PatientsInfused);

        var frozen = await _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, Withdrawn, enrolled.Version), AstanaClinician, None);

        Assert.True(frozen.Value.IsFrozen);
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(AlmatyClinician, enrolled.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(TashkentClinician, enrolled.Id));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(Admin, enrolled.Id));
        Assert.DoesNotContain(enrolled.Id, (await _world.ListAllAsync(AlmatyClinician)).Select(p => p.Id));
        AssertSame(frozen, await _world.ReadAsync(AstanaCoordinator, enrolled.Id));
        Assert.Contains(enrolled.Id, (await _world.ListAllAsync(AstanaClinician)).Select(p => p.Id));
        await Assert.ThrowsAsync<RuleViolationException>(() => _world.InfuseAsync(AstanaClinician, enrolled.Id, Infused.AddDays(60)));
        await Assert.ThrowsAsync<RuleViolationException>(() =>
            _world.OutcomeAsync(AstanaClinician, enrolled.Id, Infused.AddDays(90), new FollowUpReport(DiseaseState.InRemission, true)));
        AssertSame(frozen, await _world.StoredAsync(enrolled.Id));
        var total = (await _world.TotalAsync()).Measures!;
        Assert.Equal(5, total.PatientsInfused);
        var raised = Assert.Single(await _world.EventsAsync<Messages.PatientConsentChanged>());
        Assert.False(raised.Consents.Registry);
    }

    [Fact]
    public async Task Only_the_treating_institution_lifts_the_freeze_by_granting_registry_consent_again()
    {
        var enrolled = await InfusedAsync("KZ-1000-0001", RegistryOnly);
        for (var i = 2; i <= 6; i++)
        {
            await InfusedAsync($"KZ-1000-000{i}", RegistryOnly);
        }
        var frozen = await _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, Withdrawn, enrolled.Version), AstanaClinician, None);

        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, RegistryOnly, frozen.Version), AlmatyClinician, None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, RegistryOnly, frozen.Version), Admin, None));
        var thawed = await _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, RegistryOnly, frozen.Version), AstanaCoordinator, None);

        Assert.False(thawed.Value.IsFrozen);
        Assert.Equal(frozen.Version + 1, thawed.Version);
        await _world.ReadAsync(AlmatyClinician, enrolled.Id);
        Assert.Equal(6, (await _world.TotalAsync()).Measures!.PatientsInfused);
        var infused = await _world.InfuseAsync(AstanaClinician, enrolled.Id, Infused.AddDays(60));
        Assert.Equal(2, infused.Value.Infusions.Count);
        Assert.Equal([false, true], (await _world.EventsAsync<Messages.PatientConsentChanged>()).Select(e => e.Consents.Registry));
    }

    [Fact]
    public async Task A_change_from_a_stale_revision_is_aborted_and_changes_nothing()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001", consents: Shared);
        var changed = await _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, RegistryOnly, enrolled.Version), AstanaClinician, None);

        var stale = await Assert.ThrowsAsync<CallerRevisionStaleException>(() =>
            _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, Withdrawn, enrolled.Version), AstanaClinician, None));
        var ahead = await Assert.ThrowsAsync<CallerRevisionStaleException>(() =>
            _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, Withdrawn, changed.Version + 1), AstanaClinician, None));
        var missing = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, Withdrawn, 0), AstanaClinician, None));

        Assert.IsType<ConcurrencyConflictException>(stale, exactMatch: false);
        Assert.IsType<ConcurrencyConflictException>(ahead, exactMatch: false);
        Assert.Equal("expected_revision", Assert.Single(missing.Violations).Field);
        AssertSame(changed, await _world.StoredAsync(enrolled.Id));
        Assert.Single(await _world.EventsAsync<Messages.PatientConsentChanged>());
    }

    [Fact]
    public async Task Consent_to_share_or_research_needs_registry_consent_and_an_unchanged_consent_raises_nothing()
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001", consents: RegistryOnly);

        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, new Consents(false, true, true), enrolled.Version), AstanaClinician, None));
        var same = await _world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, RegistryOnly, enrolled.Version), AstanaClinician, None);

        Assert.Equal(["consents.cross_border_sharing", "consents.research"], invalid.Violations.Select(v => v.Field));
        AssertSame(enrolled, same);
        AssertSame(enrolled, await _world.StoredAsync(enrolled.Id));
        Assert.Empty(await _world.EventsAsync<Messages.PatientConsentChanged>());
    }

    private async Task<Stored<PatientRecord>> InfusedAsync(string nationalId, Consents consents)
    {
        var enrolled = await _world.EnrolAsync(AstanaClinician, nationalId, consents: consents);
        return await _world.InfuseAsync(AstanaClinician, enrolled.Id, Infused);
    }
}
