using System.Net;
using System.Text;
using System.Text.Json;
using CarTConsortium.Contracts.Operations.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// The outbox operations every service serves, through the gateway: consortium admins only, over gRPC (the
/// x-consortium-service header picks the service) and REST (the path does).
/// </summary>
public sealed class OutboxOperationsTests(PlatformFixture fixture)
{
    private static readonly string[] Services = ["registry", "procurement", "approvals", "slots"];

    private OutboxOperations.OutboxOperationsClient As(DemoClient client) => new(fixture.Running.ChannelAs(client));

    private static Metadata At(string service) => new() { { "x-consortium-service", service } };

    [Fact]
    public async Task A_consortium_admin_reads_each_services_parked_events_and_republishes_since_a_time_over_grpc()
    {
        var admin = As(DemoClients.Admin);
        foreach (var service in Services)
        {
            var parked = await admin.ListParkedEventsAsync(new ListParkedEventsRequest(), At(service));
            Assert.Empty(parked.Events);
            Assert.Equal("", parked.NextPageToken);
        }
        // Far in the future: nothing was published since, so nothing goes out again.
        var none = await admin.RepublishSinceAsync(new RepublishSinceRequest { Since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)) }, At("registry"));
        Assert.Equal(0, none.Republished);
        var missing = await Assert.ThrowsAsync<RpcException>(() => admin.RequeueParkedEventAsync(new RequeueParkedEventRequest { EventId = "no-such-event" }, At("slots")).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_the_field_at_fault()
    {
        var admin = As(DemoClients.Admin);

        var noSince = await Assert.ThrowsAsync<RpcException>(() => admin.RepublishSinceAsync(new RepublishSinceRequest(), At("approvals")).ResponseAsync);
        // Older than the retention: subscribers no longer hold the inbox marks that would absorb the repeats.
        var tooOld = await Assert.ThrowsAsync<RpcException>(() => admin.RepublishSinceAsync(
            new RepublishSinceRequest { Since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-8)) }, At("approvals")).ResponseAsync);
        var notATime = await Assert.ThrowsAsync<RpcException>(() => admin.RepublishSinceAsync(
            new RepublishSinceRequest { Since = new Timestamp { Seconds = 253_402_300_800 } }, At("approvals")).ResponseAsync);
        var wrongService = await Assert.ThrowsAsync<RpcException>(() => admin.ListParkedEventsAsync(new ListParkedEventsRequest { Service = "slots" }, At("approvals")).ResponseAsync);
        var badToken = await Assert.ThrowsAsync<RpcException>(() => admin.ListParkedEventsAsync(new ListParkedEventsRequest { PageToken = "x" }, At("approvals")).ResponseAsync);

        Assert.Equal("since", Violation(noSince));
        Assert.Equal("since", Violation(tooOld));
        Assert.Equal("since", Violation(notATime));
        Assert.Equal("service", Violation(wrongService));
        Assert.Equal("page_token", Violation(badToken));
    }

    private static readonly Dictionary<string, DemoClient> Others = new[]
    {
        DemoClients.KzHospital, DemoClients.KzClinician, DemoClients.KzSite, DemoClients.KzProcurement, DemoClients.KzRegulatory,
    }.ToDictionary(c => c.ClientId);

    public static TheoryData<string> NotAdmins => [.. Others.Keys];

    [Theory]
    [MemberData(nameof(NotAdmins))]
    public async Task No_other_role_may_list_requeue_or_republish(string clientId)
    {
        var caller = As(Others[clientId]);

        var list = await Assert.ThrowsAsync<RpcException>(() => caller.ListParkedEventsAsync(new ListParkedEventsRequest(), At("registry")).ResponseAsync);
        var requeue = await Assert.ThrowsAsync<RpcException>(() => caller.RequeueParkedEventAsync(new RequeueParkedEventRequest { EventId = "e" }, At("procurement")).ResponseAsync);
        var republish = await Assert.ThrowsAsync<RpcException>(() => caller.RepublishSinceAsync(
            new RepublishSinceRequest { Since = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) }, At("slots")).ResponseAsync);

        Assert.All([list, requeue, republish], e => Assert.Equal(StatusCode.PermissionDenied, e.StatusCode));
    }

    [Fact]
    public async Task Over_rest_the_path_names_the_service_and_only_an_admin_is_let_through()
    {
        var admin = await fixture.Running.HttpAsAsync(DemoClients.Admin);
        using var listed = await admin.GetAsync(new Uri("/v1/procurement/outbox/parked?pageSize=10", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        using var republished = await admin.PostAsync(new Uri("/v1/approvals/outbox:republish", UriKind.Relative), Json(new { since = DateTimeOffset.UtcNow.AddDays(1) }));
        Assert.Equal(HttpStatusCode.OK, republished.StatusCode);
        using (var body = JsonDocument.Parse(await republished.Content.ReadAsStringAsync()))
        {
            Assert.False(body.RootElement.TryGetProperty("republished", out var count) && count.GetInt32() != 0);
        }

        var officer = await fixture.Running.HttpAsAsync(DemoClients.KzRegulatory);
        using var refused = await officer.PostAsync(new Uri("/v1/approvals/outbox:republish", UriKind.Relative), Json(new { since = DateTimeOffset.UtcNow }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var anonymous = await new HttpClient { BaseAddress = fixture.Running.Platform.GatewayHttp }.GetAsync(new Uri("/v1/slots/outbox/parked", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static string Violation(RpcException error)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        return Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field;
    }
}
