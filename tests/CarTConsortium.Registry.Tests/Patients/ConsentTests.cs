using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

public sealed class ConsentTests
{
    private static readonly DateTimeOffset Later = Now.AddDays(3);

    [Theory]
    [InlineData(false, true, false, new[] { "consents.cross_border_sharing" })]
    [InlineData(false, false, true, new[] { "consents.research" })]
    [InlineData(false, true, true, new[] { "consents.cross_border_sharing", "consents.research" })]
    public void Sharing_and_research_need_registry_consent(bool registry, bool crossBorder, bool research, string[] fields)
    {
        var invalid = Assert.Throws<InvalidArgumentException>(() => Enrolled().ChangeConsent(new Consents(registry, crossBorder, research), Later));

        Assert.Equal(fields.Select(f => new FieldViolation(f, "needs registry consent")), invalid.Violations);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, true)]
    [InlineData(false, false, false)]
    public void Every_consistent_set_of_consents_is_recorded_with_its_time(bool registry, bool crossBorder, bool research)
    {
        var consents = new Consents(registry, crossBorder, research);
        var record = Enrolled(consents: Shared with { Research = !research });

        var changed = record.ChangeConsent(consents, Later);

        Assert.Equal(record with { Consents = consents, ConsentsChangedAt = Later }, changed);
    }

    [Fact]
    public void The_same_consents_again_change_nothing()
    {
        var record = Enrolled(consents: Shared);

        Assert.Same(record, record.ChangeConsent(Shared with { }, Later));
    }

    [Fact]
    public void Withdrawing_registry_consent_freezes_the_record_and_takes_it_out_of_statistics_and_the_consortium_view()
    {
        var record = Enrolled(consents: Shared).Infused(D(2025, 6, 2));
        Assert.Equal(PatientKeys.Yes, Keys(record)[PatientKeys.Active]);
        Assert.Equal(PatientKeys.Yes, Keys(record)[PatientKeys.Shared]);

        var frozen = record.ChangeConsent(Withdrawn, Later);

        Assert.True(frozen.IsFrozen);
        Assert.False(Keys(frozen).ContainsKey(PatientKeys.Active));
        Assert.False(Keys(frozen).ContainsKey(PatientKeys.Shared));
        Assert.Equal(record.Infusions, frozen.Infusions); // kept, not erased
        Refused(() => frozen.Infused(D(2025, 9, 1)));
        Refused(() => frozen.With(D(2025, 6, 30), Cr));
    }

    [Fact]
    public void A_frozen_record_is_hidden_from_everyone_but_the_treating_institution()
    {
        var frozen = Enrolled(consents: Shared).ChangeConsent(Withdrawn, Later);

        Assert.True(PatientVisibility.CanRead(Callers.Of(Roles.Clinician, "KZ", Astana), frozen).Allowed);
        Assert.True(PatientVisibility.CanRead(Callers.Of(Roles.HospitalCoordinator, "KZ", Astana), frozen).Allowed);
        Assert.False(PatientVisibility.CanRead(Callers.Of(Roles.Clinician, "KZ", Almaty), frozen).Allowed);
        Assert.False(PatientVisibility.CanRead(Callers.Of(Roles.Clinician, "UZ", Tashkent), frozen).Allowed);
        Assert.False(PatientVisibility.CanRead(Callers.Admin, frozen).Allowed);
    }

    [Fact]
    public void Only_the_treating_institution_may_lift_the_freeze_and_then_the_record_takes_data_again()
    {
        var frozen = Enrolled().ChangeConsent(Withdrawn, Later);

        Assert.True(PatientVisibility.CanChangeConsent(Callers.Of(Roles.HospitalCoordinator, "KZ", Astana), frozen).Allowed);
        Assert.False(PatientVisibility.CanChangeConsent(Callers.Of(Roles.Clinician, "KZ", Almaty), frozen).Allowed);
        Assert.False(PatientVisibility.CanChangeConsent(Callers.Admin, frozen).Allowed);

        var unfrozen = frozen.ChangeConsent(RegistryOnly, Later.AddDays(1));

        Assert.False(unfrozen.IsFrozen);
        Assert.Equal(Later.AddDays(1), unfrozen.ConsentsChangedAt);
        Assert.Single(unfrozen.Infused(D(2025, 6, 2)).Infusions);
    }

    [Fact]
    public void Withdrawing_cross_border_sharing_ends_the_view_from_other_countries_only()
    {
        var shared = Enrolled(consents: Shared);
        var abroad = Callers.Of(Roles.Clinician, "UZ", Tashkent);
        var sameCountry = Callers.Of(Roles.Clinician, "KZ", Almaty);
        Assert.True(PatientVisibility.CanRead(abroad, shared).Allowed);
        Assert.True(PatientVisibility.CanRead(Callers.Admin, shared).Allowed);

        var local = shared.ChangeConsent(Shared with { CrossBorderSharing = false }, Later);

        Assert.False(PatientVisibility.CanRead(abroad, local).Allowed);
        Assert.False(PatientVisibility.CanRead(Callers.Admin, local).Allowed);
        Assert.True(PatientVisibility.CanRead(sameCountry, local).Allowed);
        Assert.False(Keys(local).ContainsKey(PatientKeys.Shared));
        Assert.Equal(PatientKeys.Yes, Keys(local)[PatientKeys.Active]);
        Assert.False(local.IsFrozen);
    }

    private static IReadOnlyDictionary<string, string> Keys(PatientRecord record) =>
        new ChangeSet().Insert(RegistryCollections.Patients, record.Pseudonym, record).Writes[0].Keys;
}
