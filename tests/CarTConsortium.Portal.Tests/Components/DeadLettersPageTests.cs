using System.Security.Claims;
using Bunit;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Operations.V1;
using CarTConsortium.Portal.Components.Admin;
using Grpc.Core;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The admin's dead-letter page: every service's dead letters, and Replay.</summary>
public sealed class DeadLettersPageTests : PortalComponentTest
{
    private static readonly DeadLetter Stuck = new()
    {
        DeadLetterId = "0193-e1~CarTConsortium.Slots.ReadModels.KnownPatientProjection",
        EventId = "0193-e1",
        Consumer = "CarTConsortium.Slots.ReadModels.KnownPatientProjection",
        Topic = "consortium.registry.v1.PatientConsentChanged",
        Reason = "gave up after 40 attempt(s) over 1.00:00:00: not yet applicable: patient p-1 is not enrolled here yet",
        Attempts = 40,
        DeadLetteredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero)),
    };

    public DeadLettersPageTests()
    {
        Auth.SetAuthorized("admin");
        Auth.SetClaims(new Claim(PlatformClaims.Role, Roles.ConsortiumAdmin));
    }

    [Fact]
    public void Each_service_s_dead_letters_are_listed_and_a_service_without_any_says_so()
    {
        Gateway.On<ListDeadLettersRequest, ListDeadLettersResponse>("ListDeadLetters",
            r => r.Service == "slots" ? new() { DeadLetters = { Stuck } } : new());

        var page = Render<DeadLettersPage>();

        var row = page.Find("[data-testid=dead-letters-slots] tr[data-dead-letter]");
        Assert.Contains("PatientConsentChanged", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("not enrolled here yet", row.TextContent, StringComparison.Ordinal);
        Assert.Equal(3, page.FindAll("[data-testid=none]").Count);
        Assert.Equal(["registry", "procurement", "approvals", "slots"], Gateway.Requests<ListDeadLettersRequest>("ListDeadLetters").Select(r => r.Service));
    }

    [Fact]
    public void Replay_names_the_dead_letter_and_its_service_then_says_it_was_handled_and_reloads()
    {
        var handled = false;
        Gateway.On<ListDeadLettersRequest, ListDeadLettersResponse>("ListDeadLetters", r => r.Service == "slots" && !handled ? new() { DeadLetters = { Stuck } } : new());
        Gateway.On<ReplayDeadLetterRequest, ReplayDeadLetterResponse>("ReplayDeadLetter", _ =>
        {
            handled = true;
            return new() { Handled = true };
        });
        var page = Render<DeadLettersPage>();

        page.Find("[data-testid=dead-letters-slots] [data-testid=replay]").Click();

        var sent = Assert.Single(Gateway.Requests<ReplayDeadLetterRequest>("ReplayDeadLetter"));
        Assert.Equal(("slots", Stuck.DeadLetterId), (sent.Service, sent.DeadLetterId));
        page.WaitForAssertion(() => Assert.Contains("replayed and handled", page.Find("[data-testid=replayed]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("tr[data-dead-letter]"));
    }

    [Fact]
    public void A_replay_that_fails_again_shows_the_new_reason_and_a_refused_one_the_error()
    {
        Gateway.On<ListDeadLettersRequest, ListDeadLettersResponse>("ListDeadLetters", r => r.Service == "slots" ? new() { DeadLetters = { Stuck } } : new());
        Gateway.On<ReplayDeadLetterRequest, ReplayDeadLetterResponse>("ReplayDeadLetter", _ => new() { Handled = false, Reason = "replay failed: still not enrolled" });
        Gateway.On<ReplayDeadLetterRequest, ReplayDeadLetterResponse>("ReplayDeadLetter", _ => throw new RpcException(new Status(StatusCode.NotFound, "There is no dead letter")));
        var page = Render<DeadLettersPage>();

        page.Find("[data-testid=dead-letters-slots] [data-testid=replay]").Click();
        page.WaitForAssertion(() => Assert.Contains("replay failed: still not enrolled", page.Find("[data-testid=replayed]").TextContent, StringComparison.Ordinal));

        page.Find("[data-testid=dead-letters-slots] [data-testid=replay]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.Find("[data-testid=replayed]").TextContent));
        Assert.NotEmpty(page.FindAll("[role=alert]"));
    }
}
