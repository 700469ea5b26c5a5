using System.Net;
using System.Text.Json;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Operations.V1;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.ServiceDefaults.Operations;
using CarTConsortium.Testing;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>Every service's dead letters, listed and replayed through the gateway with real tokens: by a consortium admin only.</summary>
public sealed class DeadLetterOperationsTests(PlatformFixture fixture)
{
    private static readonly string[] Services = ["registry", "procurement", "approvals", "slots"];

    private RunningPlatform Running => fixture.Running;

    [Fact]
    public async Task Only_a_consortium_admin_may_list_each_service_s_dead_letters_over_rest()
    {
        using var admin = await Running.HttpAsAsync(DemoClients.Admin);
        // Every other role, each from a country provider.
        var others = new List<HttpClient>();
        foreach (var client in new[] { DemoClients.KzHospital, DemoClients.KzClinician, DemoClients.KzProcurement, DemoClients.KzRegulatory, DemoClients.KzSite })
        {
            others.Add(await Running.HttpAsAsync(client));
        }
        var hospital = others[0];
        using var anonymous = new HttpClient { BaseAddress = Running.Platform.GatewayHttp };
        foreach (var service in Services)
        {
            var path = new Uri($"v1/{service}/operations/dead-letters", UriKind.Relative);
            using (var allowed = await admin.GetAsync(path))
            {
                Assert.True(allowed.StatusCode == HttpStatusCode.OK, $"{service}: {allowed.StatusCode} {await allowed.Content.ReadAsStringAsync()}");
            }
            foreach (var refused in others)
            {
                using var denied = await refused.GetAsync(path);
                Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            }
            using var unauthenticated = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
            using var replay = await hospital.PostAsync(new Uri($"v1/{service}/operations/dead-letters/e~h:replay", UriKind.Relative), EmptyJson());
            Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
        }
        foreach (var http in others)
        {
            http.Dispose();
        }
    }

    [Fact]
    public async Task Over_grpc_the_header_names_the_service_and_only_a_consortium_admin_may_call()
    {
        var asAdmin = new EventOperations.EventOperationsClient(Running.ChannelAs(DemoClients.Admin));
        var asSite = new EventOperations.EventOperationsClient(Running.ChannelAs(DemoClients.KzSite));
        foreach (var service in Services)
        {
            var headers = new Metadata { { EventOperationsRegistration.ServiceHeader, service } };
            await asAdmin.ListDeadLettersAsync(new ListDeadLettersRequest { Service = service }, headers);
            var denied = await Assert.ThrowsAsync<RpcException>(async () => await asSite.ListDeadLettersAsync(new ListDeadLettersRequest { Service = service }, headers));
            Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
            var denyReplay = await Assert.ThrowsAsync<RpcException>(async () => await asSite.ReplayDeadLetterAsync(new ReplayDeadLetterRequest { Service = service, DeadLetterId = "e~h" }, headers));
            Assert.Equal(StatusCode.PermissionDenied, denyReplay.StatusCode);
        }
        // One app answers only for itself: a request that names another service is a mistake, not a look elsewhere.
        var misrouted = await Assert.ThrowsAsync<RpcException>(async () => await asAdmin.ListDeadLettersAsync(
            new ListDeadLettersRequest { Service = "registry" }, new Metadata { { EventOperationsRegistration.ServiceHeader, "slots" } }));
        Assert.Equal(StatusCode.InvalidArgument, misrouted.StatusCode);
    }

    [Fact]
    public async Task An_admin_finds_slots_dead_letter_by_topic_and_replays_it_and_a_replay_that_fails_again_is_kept()
    {
        var slots = Running.Platform.ServicesOf("slots");
        var topic = IntegrationEvents.TopicOf<AuthorisationChanged>();
        var id = Guid.CreateVersion7().ToString();
        using var deadLettered = new EventCounter("consortium.events.dead_lettered");
        // From its owner, but not an AuthorisationChanged: poison, dead-lettered at once.
        await slots.GetRequiredService<EmbeddedBus>().PublishAsync(new EventEnvelope(id, topic, "approvals", DateTimeOffset.UtcNow, "{\"authorisation\": 42}", null));
        await Eventually.HoldsAsync(() => Task.FromResult(deadLettered.Total(("consumer", "slots"), ("topic", topic)) >= 1), "slots dead-lettered the event");
        using var admin = await Running.HttpAsAsync(DemoClients.Admin);

        var letter = (await ListAsync(admin, topic)).Single(d => d.GetProperty("eventId").GetString() == id);
        var key = letter.GetProperty("deadLetterId").GetString()!;
        Assert.Contains("unreadable payload", letter.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("approvals", letter.GetProperty("source").GetString());

        using var replayed = await admin.PostAsync(new Uri($"v1/slots/operations/dead-letters/{Uri.EscapeDataString(key)}:replay", UriKind.Relative), EmptyJson());
        var body = await replayed.Content.ReadAsStringAsync();
        Assert.True(replayed.IsSuccessStatusCode, body);
        using var answer = JsonDocument.Parse(body);
        Assert.False(answer.RootElement.TryGetProperty("handled", out var handled) && handled.GetBoolean());
        // Poison stays poison: the replay reads the payload again and keeps the letter with that reason.
        Assert.Contains("unreadable payload", answer.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        // Dead-lettered again, under the same name, with the new reason.
        var again = (await ListAsync(admin, topic)).Single(d => d.GetProperty("eventId").GetString() == id);
        Assert.Equal(key, again.GetProperty("deadLetterId").GetString());
        Assert.Equal(answer.RootElement.GetProperty("reason").GetString(), again.GetProperty("reason").GetString());

        var consumer = letter.GetProperty("consumer").GetString();
        using var missing = await admin.PostAsync(new Uri($"v1/slots/operations/dead-letters/no-such-event~{consumer}:replay", UriKind.Relative), EmptyJson());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var unnamed = await admin.PostAsync(new Uri("v1/slots/operations/dead-letters/no-separator:replay", UriKind.Relative), EmptyJson());
        Assert.Equal(HttpStatusCode.BadRequest, unnamed.StatusCode);
    }

    private static StringContent EmptyJson() => new("{}", System.Text.Encoding.UTF8, "application/json");

    private static async Task<List<JsonElement>> ListAsync(HttpClient admin, string topic)
    {
        using var response = await admin.GetAsync(new Uri($"v1/slots/operations/dead-letters?topic={Uri.EscapeDataString(topic)}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var document = JsonDocument.Parse(body);
        Assert.All(document.RootElement.GetProperty("deadLetters").EnumerateArray(), d => Assert.Equal(topic, d.GetProperty("topic").GetString()));
        return document.RootElement.GetProperty("deadLetters").EnumerateArray().Select(d => d.Clone()).ToList();
    }
}
