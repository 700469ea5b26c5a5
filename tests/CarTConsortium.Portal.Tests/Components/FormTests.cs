using Bunit;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Portal.Components.Coordinator;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The coordinator's forms: every input labelled, and what is typed is what the API receives.</summary>
public sealed class FormTests : PortalComponentTest
{
    private static readonly Choice[] Products = [new("ncb-cd19-academic", "Academic CD19 CAR-T"), new("tisagenlecleucel", "Kymriah")];
    private static readonly Choice[] Sites = [new("kz-ncb-astana", "NCB Astana (KZ)")];

    [Fact]
    public void The_run_request_form_sends_what_was_entered_as_the_apis_request()
    {
        RunRequestInput? submitted = null;
        var form = Render<RequestRunForm>(p => p
            .Add(f => f.Products, Products)
            .Add(f => f.Sites, Sites)
            .Add(f => f.Patients, ["KZ-AAAA-BBBB-CCCC-DDDD"])
            .Add(f => f.OnSubmit, (RunRequestInput input) => submitted = input));

        form.Find("#pseudonym").Change(" KZ-AAAA-BBBB-CCCC-DDDD ");
        form.Find("#product").Change("ncb-cd19-academic");
        form.Find("#urgency").Change(UrgencyClass.Urgent.ToString());
        form.Find("#earliest").Change("2027-01-04");
        form.Find("#latest").Change("2027-01-18");
        form.Find("#site").Change("kz-ncb-astana");
        form.Find("form").Submit();

        var request = submitted!.ToRequest("kz-astana-childrens");
        Assert.Equal(("KZ-AAAA-BBBB-CCCC-DDDD", "ncb-cd19-academic", "r/r B-ALL", UrgencyClass.Urgent, "kz-ncb-astana", "kz-astana-childrens"),
            (request.Pseudonym, request.ProductId, request.Indication, request.Urgency, request.SiteId, request.TreatingInstitutionId));
        Assert.Equal((2027, 1, 4), (request.EarliestStart.Year, request.EarliestStart.Month, request.EarliestStart.Day));
        Assert.Equal((2027, 1, 18), (request.LatestStart.Year, request.LatestStart.Month, request.LatestStart.Day));
    }

    [Fact]
    public void An_emergency_asks_why_beside_the_urgency_and_the_reason_is_sent_only_with_an_emergency()
    {
        RunRequestInput? submitted = null;
        var form = Render<RequestRunForm>(p => p
            .Add(f => f.Products, Products)
            .Add(f => f.Sites, Sites)
            .Add(f => f.OnSubmit, (RunRequestInput input) => submitted = input));
        Assert.Empty(form.FindAll("#emergency-justification"));

        form.Find("#urgency").Change(UrgencyClass.Emergency.ToString());
        form.Find("#emergency-justification").Change("  Second relapse, blasts rising. ");
        form.Find("form").Submit();

        Assert.Equal("emergency-justification", form.Find("label[for=emergency-justification]").GetAttribute("for"));
        var input = submitted!;
        Assert.Equal("Second relapse, blasts rising.", input.ToRequest("org").EmergencyJustification);
        input.Urgency = UrgencyClass.Urgent;
        Assert.Equal("", input.ToRequest("org").EmergencyJustification);
        Assert.Contains("emergency_justification", RequestRunForm.Fields);
    }

    [Fact]
    public void An_open_window_and_any_site_are_sent_as_empty()
    {
        var request = new RunRequestInput { Pseudonym = "KZ-1", ProductId = "p", Urgency = UrgencyClass.Standard }.ToRequest("org");

        Assert.Null(request.EarliestStart);
        Assert.Null(request.LatestStart);
        Assert.Equal("", request.SiteId);
    }

    [Fact]
    public void Every_input_of_the_forms_has_a_label()
    {
        AssertLabelled(Render<RequestRunForm>(p => p.Add(f => f.Products, Products).Add(f => f.Sites, Sites)));
        AssertLabelled(Render<PurposeForm>());

        static void AssertLabelled<T>(IRenderedComponent<T> form) where T : Microsoft.AspNetCore.Components.IComponent
        {
            var inputs = form.FindAll("input, select");
            var labelled = form.FindAll("label").Select(l => l.GetAttribute("for")).ToHashSet();
            Assert.NotEmpty(inputs);
            Assert.All(inputs, input => Assert.Contains(input.Id, labelled));
        }
    }

    [Fact]
    public void The_purpose_form_asks_why_with_the_apis_purposes_and_booking_first()
    {
        (AccessPurpose Purpose, string Justification)? submitted = null;
        var form = Render<PurposeForm>(p => p.Add(f => f.OnSubmit, ((AccessPurpose, string) why) => submitted = why));

        Assert.Equal(AccessPurpose.Booking.ToString(), form.Find("#purpose").GetAttribute("value"));
        form.Find("#purpose").Change(AccessPurpose.FollowUp.ToString());
        form.Find("#justification").Change("  day-28 review ");
        form.Find("form").Submit();

        Assert.Equal((AccessPurpose.FollowUp, "day-28 review"), submitted!.Value);
    }

    [Fact]
    public void The_hold_counts_down_and_says_when_it_has_lapsed()
    {
        var clock = Clock;
        var countdown = Render<HoldCountdown>(p => p.Add(c => c.Expires, clock.GetUtcNow().AddDays(1).AddHours(2).AddSeconds(5)));

        Assert.Equal("1 d 02:00:05", countdown.Find("[role=timer]").TextContent);
        clock.Advance(TimeSpan.FromHours(26));
        countdown.WaitForAssertion(() => Assert.Equal("00:00:05", countdown.Find("[role=timer]").TextContent));
        clock.Advance(TimeSpan.FromSeconds(6));
        countdown.WaitForAssertion(() => Assert.Contains(Strings["Hold_Lapsed"].Value, countdown.Markup, StringComparison.Ordinal));
    }
}
