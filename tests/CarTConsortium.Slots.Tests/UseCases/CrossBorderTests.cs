using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>A Kyrgyz hospital's patient at the Kazakh site: the patient's consent, the agreement's term and shipment, and its lead time against the cut-off.</summary>
public sealed class CrossBorderTests
{
    private static readonly DateOnly Cutoff = new(2026, 4, 5);

    [Fact]
    public async Task A_patient_who_has_not_consented_to_cross_border_sharing_is_refused_the_run_across_the_border()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 3);

        var refused = await world.RequestAsync(await world.EnrolAsync(SlotsWorld.KgHospital, crossBorder: false), SlotsWorld.KgHospital, noWaitlist: true);
        var consented = await world.RequestAsync(await world.EnrolAsync(SlotsWorld.KgHospital, crossBorder: true), SlotsWorld.KgHospital, noWaitlist: true);

        Assert.Equal(["the patient has not consented to cross-border sharing, and the site is in another country"], Assert.Single(refused.Decisions).Reasons);
        Assert.NotNull(consented.Booking);
    }

    [Fact]
    public async Task The_two_day_shipment_must_reach_the_site_by_the_cut_off_which_a_hospital_in_the_sites_country_still_makes()
    {
        using var world = await SlotsWorld.CreateAsync();
        var run = await world.PublishAsync(lines: 3);
        Assert.Equal(Cutoff, run.Value.ApheresisCutoff);

        world.MoveTo(Cutoff.AddDays(-SlotsWorld.ShipmentLeadDays));
        var inTime = await world.RequestAsync(await world.EnrolAsync(SlotsWorld.KgHospital, crossBorder: true), SlotsWorld.KgHospital, noWaitlist: true);
        world.MoveTo(Cutoff.AddDays(-SlotsWorld.ShipmentLeadDays + 1));
        var tooLate = await world.RequestAsync(await world.EnrolAsync(SlotsWorld.KgHospital, crossBorder: true), SlotsWorld.KgHospital, noWaitlist: true);
        var domestic = await world.RequestAsync(await world.EnrolAsync(), noWaitlist: true);

        Assert.NotNull(inTime.Booking);
        Assert.Contains("the apheresis can arrive by 2026-04-05 (2-day shipment), before the cut-off of 2026-04-05", Assert.Single(inTime.Decisions).Reasons);
        Assert.Equal(["the apheresis would arrive 2026-04-06 at the earliest (2-day shipment), after the cut-off of 2026-04-05"], Assert.Single(tooLate.Decisions).Reasons);
        Assert.NotNull(domestic.Booking);
        Assert.Contains("the apheresis can arrive before the cut-off of 2026-04-05", Assert.Single(domestic.Decisions).Reasons);
    }

    [Fact]
    public async Task The_agreement_must_cover_shipment_and_hold_from_today_to_the_runs_first_day()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 3);
        var agreements = new ReadModels.AgreementProjection(world.Store);
        var patient = await world.EnrolAsync(SlotsWorld.KgHospital, crossBorder: true);

        await world.ProjectAsync(agreements, SlotsWorld.AgreementChanged(2, endsOn: SlotsWorld.RunStart.AddDays(-1)));
        var endsTheDayBefore = await world.RequestAsync(patient, SlotsWorld.KgHospital, noWaitlist: true);
        var noShipment = SlotsWorld.AgreementChanged(3, endsOn: null);
        noShipment.Agreement.Shipment = false;
        await world.ProjectAsync(agreements, noShipment);
        var withoutShipment = await world.RequestAsync(patient, SlotsWorld.KgHospital, noWaitlist: true);
        await world.ProjectAsync(agreements, SlotsWorld.AgreementChanged(4, endsOn: SlotsWorld.RunStart));
        var endsOnTheDay = await world.RequestAsync(patient, SlotsWorld.KgHospital, noWaitlist: true);

        Assert.Equal(["the agreement KG-KZ is not in force from today to the run's start (2026-01-01 to 2026-04-05)"], Assert.Single(endsTheDayBefore.Decisions).Reasons);
        Assert.Equal(["the agreement KG-KZ does not cover shipment of cells"], Assert.Single(withoutShipment.Decisions).Reasons);
        Assert.NotNull(endsOnTheDay.Booking);
    }
}
