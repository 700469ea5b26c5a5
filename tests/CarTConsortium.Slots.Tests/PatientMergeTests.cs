using CarTConsortium.Slots.ReadModels;
using Xunit;

namespace CarTConsortium.Slots.Tests;

/// <summary>The merge rule of slots' patient copy: the enrolment and consent changes in either order give the same copy.</summary>
public sealed class PatientMergeTests
{
    private const string Pseudonym = "KZ-7F3K-9Q2M-4N5P-R8TV";
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly ConsentStamp Enrolled = new(1, T0);

    private static KnownPatient Enrol(KnownPatient? kept, (bool, bool)? consents = null, ConsentStamp? stamp = null) =>
        PatientMerge.Enrolment(kept, Pseudonym, "KZ", "kz-astana-childrens", 2016, 5, consents ?? (true, false), stamp ?? Enrolled);

    private static KnownPatient Change(KnownPatient? kept, bool registry, bool crossBorder, long revision, int minutes) =>
        PatientMerge.ConsentChange(kept, Pseudonym, (registry, crossBorder), new ConsentStamp(revision, T0.AddMinutes(minutes)));

    [Fact]
    public void A_withdrawal_before_its_enrolment_is_kept_and_the_enrolment_does_not_undo_it()
    {
        var early = Change(null, registry: false, crossBorder: false, revision: 2, minutes: 5);
        var merged = Enrol(early);

        Assert.False(early.IsEnrolled);
        Assert.Equal(merged, Change(Enrol(null), registry: false, crossBorder: false, revision: 2, minutes: 5));
        Assert.Equal(("KZ", "kz-astana-childrens", 2016, 5), (merged.CountryCode, merged.TreatingInstitutionId, merged.BirthYear, merged.BirthMonth));
        Assert.Equal((true, false, false, 2L), (merged.IsEnrolled, merged.InRegistry, merged.SharedAcrossBorders, merged.ConsentsRevision));
    }

    [Fact]
    public void A_grant_before_its_enrolment_is_kept_in_either_order()
    {
        var consentFirst = Enrol(Change(null, registry: true, crossBorder: true, revision: 2, minutes: 5));
        var enrolmentFirst = Change(Enrol(null), registry: true, crossBorder: true, revision: 2, minutes: 5);

        Assert.Equal(consentFirst, enrolmentFirst);
        Assert.True(consentFirst.SharedAcrossBorders);
    }

    [Fact]
    public void An_older_change_never_overwrites_a_newer_one_whichever_arrives_first()
    {
        var newerFirst = Change(Change(Enrol(null), false, false, revision: 3, minutes: 10), true, true, revision: 2, minutes: 5);
        var olderFirst = Change(Change(Enrol(null), true, true, revision: 2, minutes: 5), false, false, revision: 3, minutes: 10);

        Assert.Equal(newerFirst, olderFirst);
        Assert.Equal((false, 3L), (newerFirst.InRegistry, newerFirst.ConsentsRevision));
    }

    [Fact]
    public void Revisions_order_changes_raised_in_one_instant_and_time_orders_those_without_one()
    {
        var sameInstant = Change(Change(Enrol(null), false, false, revision: 3, minutes: 5), true, true, revision: 2, minutes: 5);
        var withoutRevisions = Change(Change(Enrol(null), false, false, revision: 0, minutes: 10), true, true, revision: 0, minutes: 5);

        Assert.False(sameInstant.InRegistry);
        Assert.False(withoutRevisions.InRegistry);
    }

    [Fact]
    public void A_repeated_enrolment_keeps_the_facts_and_newer_consents()
    {
        var changed = Change(Enrol(null), true, true, revision: 2, minutes: 5);

        var repeated = PatientMerge.Enrolment(changed, Pseudonym, "KZ", "kz-almaty-rcch", 2015, 1, (true, false), Enrolled);

        Assert.Equal(changed, repeated);
    }

    [Fact]
    public void An_enrolment_without_consents_means_registry_consent_only_and_yields_to_any_change()
    {
        var bare = PatientMerge.Enrolment(null, Pseudonym, "KZ", "kz-astana-childrens", 2016, 5, null, Enrolled);
        var changedFirst = PatientMerge.Enrolment(Change(null, true, true, revision: 0, minutes: 1), Pseudonym, "KZ", "kz-astana-childrens", 2016, 5, null, Enrolled);

        Assert.Equal((true, false), (bare.InRegistry, bare.SharedAcrossBorders));
        Assert.Equal((true, true), (changedFirst.InRegistry, changedFirst.SharedAcrossBorders));
    }

    [Fact]
    public void A_patient_known_from_a_consent_change_alone_is_not_enrolled()
    {
        var early = Change(null, registry: true, crossBorder: true, revision: 2, minutes: 5);

        Assert.Equal(("", "", false), (early.CountryCode, early.TreatingInstitutionId, early.IsEnrolled));
    }
}
