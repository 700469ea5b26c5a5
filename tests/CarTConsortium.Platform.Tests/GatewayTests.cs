using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Testing;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>Requests through the gateway of a running standalone platform, over REST/JSON and gRPC.</summary>
public sealed class GatewayTests(PlatformFixture fixture)
{
    private RunningPlatform Running => fixture.Running;
    private RegistryService.RegistryServiceClient Registry => new(Running.ChannelAs(DemoClients.Admin));
    private ApprovalsService.ApprovalsServiceClient Approvals => new(Running.ChannelAs(DemoClients.Admin));

    [Fact]
    public async Task A_rest_request_through_the_gateway_reaches_the_registry_and_comes_back()
    {
        using var response = await (await Running.HttpAsAsync(DemoClients.Admin)).GetAsync("/v1/registry/products");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var ids = body.RootElement.GetProperty("products").EnumerateArray().Select(p => p.GetProperty("productId").GetString());
        Assert.Contains("tisagenlecleucel", ids);
    }

    [Fact]
    public async Task A_grpc_call_through_the_gateway_stores_and_reads_back()
    {
        var registered = await Registry.RegisterProductAsync(NewProduct("grpc-roundtrip", manufacturer: "Roundtrip Bio"));

        var read = await Registry.GetProductAsync(new GetProductRequest { ProductId = "grpc-roundtrip" });
        var listed = await Registry.ListProductsAsync(new ListProductsRequest { Manufacturer = "Roundtrip Bio" });

        Assert.Equal(registered, read);
        Assert.Equal(1, read.Revision.Version);
        Assert.Equal(CellSource.Autologous, read.CellSource);
        Assert.Equal(["grpc-roundtrip"], listed.Products.Select(p => p.ProductId));
    }

    [Fact]
    public async Task A_product_registered_in_the_registry_reaches_approvals_through_an_event()
    {
        var request = new RecordAuthorisationRequest
        {
            ProductId = "event-borne",
            Jurisdiction = "UZ",
            Authority = Authority.National,
            Pathway = Pathway.HospitalExemption,
            Scope = new Scope { Indication = "r/r B-ALL", MaxAgeYears = 25, InstitutionIds = { "uz-ncmc-tashkent" } },
        };
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Approvals.RecordAuthorisationAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Equal("product_id", Assert.Single(unknown.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);

        await Registry.RegisterProductAsync(NewProduct("event-borne"));

        // Approvals learns of the product from ProductRegistered; nothing calls the registry.
        var recorded = await Eventually.SucceedsAsync(() => Approvals.RecordAuthorisationAsync(request).ResponseAsync);
        Assert.Equal(AuthorisationStatus.Planned, recorded.Status);
        var listed = await Approvals.ListAuthorisationsAsync(new ListAuthorisationsRequest { ProductId = "event-borne" });
        Assert.Equal([recorded.AuthorisationId], listed.Authorisations.Select(a => a.AuthorisationId));
    }

    [Fact]
    public async Task A_pool_opened_over_rest_takes_a_commitment_and_its_withdrawal_and_closes_early_through_the_gateway()
    {
        using var admin = await Running.HttpAsAsync(DemoClients.Admin);
        using var officer = await Running.HttpAsAsync(DemoClients.KzProcurement);
        var closesAt = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

        var opened = await JsonOf(await admin.PostAsJsonAsync("/v1/procurement/pools", new
        {
            title = "Tubing sets, opened over REST",
            itemId = "prodigy-ts520",
            supplierId = "demo-closed-systems",
            currency = "USD",
            priceTiers = new[]
            {
                new { minQuantity = 1, unitPrice = new { currencyCode = "USD", units = "900", nanos = 0 } },
                new { minQuantity = 50, unitPrice = new { currencyCode = "USD", units = "720", nanos = 500_000_000 } },
            },
            closesAt,
            minimumVolume = 10,
        }));
        var poolId = opened.GetProperty("poolId").GetString();
        var committed = await JsonOf(await officer.PutAsJsonAsync($"/v1/procurement/pools/{poolId}/commitments/KZ", new
        {
            quantity = 12,
            maxUnitPrice = new { currencyCode = "USD", units = "800" },
            deliveryInstitutionId = "kz-ncb-astana",
            budgetReference = "KZ-MOH-REST",
        }));
        var commitmentRevision = Int64Of(committed.GetProperty("commitments")[0].GetProperty("revision").GetProperty("version"));
        var withdrawn = await JsonOf(await officer.PostAsJsonAsync($"/v1/procurement/pools/{poolId}/commitments/KZ:withdraw", new { expectedRevision = commitmentRevision }));
        var closed = await JsonOf(await admin.PostAsJsonAsync($"/v1/procurement/pools/{poolId}:close", new { reason = "supplier withdrew its quote" }));
        var read = await JsonOf(await admin.GetAsync($"/v1/procurement/pools/{poolId}"));

        Assert.Equal(("POOL_STATUS_OPEN", true), (opened.GetProperty("status").GetString(), opened.GetProperty("acceptingCommitments").GetBoolean()));
        // The commitment took the pool's revision it was written at: the one after the pool's opening revision.
        var openedRevision = Int64Of(opened.GetProperty("revision").GetProperty("version"));
        Assert.Equal((12, openedRevision + 1, openedRevision + 1), (committed.GetProperty("totals").GetProperty("committedVolume").GetInt32(),
            Int64Of(committed.GetProperty("revision").GetProperty("version")), commitmentRevision));
        Assert.Equal(0, withdrawn.GetProperty("commitments").GetArrayLength());
        // Nothing was left committed: the pool fails below its minimum.
        Assert.Equal("POOL_STATUS_FAILED", closed.GetProperty("status").GetString());
        Assert.Equal("FAILURE_REASON_MINIMUM_NOT_REACHED", closed.GetProperty("outcome").GetProperty("failureReason").GetString());
        Assert.Equal("supplier withdrew its quote", read.GetProperty("closeReason").GetString());
        Assert.Equal(closed.GetProperty("closedAt").GetString(), read.GetProperty("closedAt").GetString());
    }

    /// <summary>The body of a successful REST response.</summary>
    private static async Task<JsonElement> JsonOf(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
            using var body = JsonDocument.Parse(text);
            return body.RootElement.Clone();
        }
    }

    /// <summary>An int64 as protobuf's JSON writes it: a string, or a number.</summary>
    private static long Int64Of(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : value.GetInt64();

    [Fact]
    public async Task Capacity_for_a_product_slots_learnt_from_the_registry_is_published_and_read_back()
    {
        var slots = new SlotsService.SlotsServiceClient(Running.ChannelAs(DemoClients.KzSite));
        var runStart = DateTime.UtcNow.Date.AddDays(21);
        var request = new PublishCapacityRequest
        {
            SiteId = "kz-ncb-astana",
            ProductId = "capacity-product",
            RunStart = new Google.Type.Date { Year = runStart.Year, Month = runStart.Month, Day = runStart.Day },
            RunDays = 12,
            Lines = 2,
        };
        await Registry.RegisterProductAsync(NewProduct("capacity-product"));

        var published = await Eventually.SucceedsAsync(() => slots.PublishCapacityAsync(request).ResponseAsync);

        Assert.Equal(published, await slots.GetCapacityAsync(new GetCapacityRequest { CapacityId = published.CapacityId }));
        var bySite = await slots.ListCapacityAsync(new ListCapacityRequest { SiteId = "kz-ncb-astana", ProductId = "capacity-product" });
        Assert.Equal([published.CapacityId], bySite.Capacity.Select(c => c.CapacityId));
    }

    [Fact]
    public async Task Bad_grpc_input_gets_invalid_argument_with_field_violations_and_stores_nothing()
    {
        var request = NewProduct("nameless");
        request.Name = "";
        request.CellSource = CellSource.Unspecified;

        var error = await Assert.ThrowsAsync<RpcException>(() => Registry.RegisterProductAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field);
        Assert.Equal(["name", "cell_source"], violations);
        var lookup = await Assert.ThrowsAsync<RpcException>(() => Registry.GetProductAsync(new GetProductRequest { ProductId = "nameless" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    [Fact]
    public async Task Bad_rest_input_gets_400_with_field_violations_and_no_internals()
    {
        using var response = await (await Running.HttpAsAsync(DemoClients.Admin)).PostAsJsonAsync("/v1/registry/products", new { productId = "Not A Slug", name = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.Equal(3, body.RootElement.GetProperty("code").GetInt32());
        var fields = body.RootElement.GetProperty("details")[0].GetProperty("fieldViolations").EnumerateArray()
            .Select(v => v.GetProperty("field").GetString());
        Assert.Equal(["product_id", "target_antigen", "cell_source", "manufacturer"], fields);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_things_are_not_found_over_grpc_and_rest()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Registry.GetProductAsync(new GetProductRequest { ProductId = "no-such-product" }).ResponseAsync);
        using var response = await (await Running.HttpAsAsync(DemoClients.Admin)).GetAsync("/v1/registry/products/no-such-product");

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Two_clients_registering_one_id_at_once_exactly_one_wins()
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await Registry.RegisterProductAsync(NewProduct("raced-product", manufacturer: $"Racer {i}"));
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        })).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, StatusCode.OK);
        Assert.Equal(3, outcomes.Count(o => o == StatusCode.AlreadyExists));
    }

    [Fact]
    public async Task Lists_page_with_opaque_tokens_and_refuse_forged_ones()
    {
        foreach (var id in new[] { "paged-a", "paged-b", "paged-c" })
        {
            await Registry.RegisterProductAsync(NewProduct(id, manufacturer: "Paging Bio"));
        }

        var first = await Registry.ListProductsAsync(new ListProductsRequest { Manufacturer = "Paging Bio", Page = new PageRequest { PageSize = 2 } });
        var second = await Registry.ListProductsAsync(new ListProductsRequest { Manufacturer = "Paging Bio", Page = new PageRequest { PageSize = 2, PageToken = first.NextPageToken } });
        var forged = await Assert.ThrowsAsync<RpcException>(() =>
            Registry.ListProductsAsync(new ListProductsRequest { Page = new PageRequest { PageToken = "not-a-token" } }).ResponseAsync);

        Assert.Equal(["paged-a", "paged-b"], first.Products.Select(p => p.ProductId));
        Assert.Equal(["paged-c"], second.Products.Select(p => p.ProductId));
        Assert.Equal("", second.NextPageToken);
        Assert.Equal("page.page_token", Assert.Single(forged.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    [Fact]
    public async Task The_gateway_reports_downstream_health()
    {
        var health = await Eventually.SucceedsAsync(async () =>
        {
            using var body = JsonDocument.Parse(await Running.Http.GetStringAsync("/healthz"));
            var downstream = body.RootElement.GetProperty("checks").GetProperty("downstream").GetProperty("data");
            Assert.Equal("Healthy", downstream.GetProperty("registry-grpc").GetString());
            Assert.Equal("Healthy", downstream.GetProperty("registry-http").GetString());
            Assert.Equal("Healthy", downstream.GetProperty("approvals-grpc").GetString());
            return downstream.Clone();
        });

        Assert.True(health.TryGetProperty("approvals-http", out _));
        var grpcHealth = await new Health.HealthClient(Running.Channel).CheckAsync(new HealthCheckRequest());
        Assert.NotEqual(HealthCheckResponse.Types.ServingStatus.Unknown, grpcHealth.Status);
    }

    [Fact]
    public async Task The_gateway_answers_grpc_reflection_for_every_service()
    {
        using var call = new ServerReflection.ServerReflectionClient(Running.Channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains("consortium.registry.v1.RegistryService", services);
        Assert.Contains("consortium.procurement.v1.ProcurementService", services);
        Assert.Contains("consortium.approvals.v1.ApprovalsService", services);
        Assert.Contains("consortium.slots.v1.SlotsService", services);
    }

    private static RegisterProductRequest NewProduct(string id, string manufacturer = "Test Bio") => new()
    {
        ProductId = id,
        Name = "Product " + id,
        TargetAntigen = "CD19",
        CellSource = CellSource.Autologous,
        Manufacturer = manufacturer,
    };
}
