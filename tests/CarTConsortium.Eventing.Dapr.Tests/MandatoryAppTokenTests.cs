using System.Net;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Eventing.Dapr.Tests;

/// <summary>Issue 16, point 2: a distributed host with Dapr eventing and no app API token does not start; with one, only the sidecar gets in.</summary>
public sealed class MandatoryAppTokenTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-dapr-token-");

    [Fact]
    public async Task A_host_that_requires_the_token_and_has_none_refuses_to_start_naming_where_to_set_it()
    {
        var builder = Host(new Dictionary<string, string?>());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = builder.Build();
            app.MapDaprEventing();
            await app.StartAsync();
        });

        Assert.Contains("APP_API_TOKEN", error.Message, StringComparison.Ordinal);
        Assert.Contains("Eventing:Dapr:AppApiToken", error.Message, StringComparison.Ordinal);
        Assert.Contains("dapr.io/app-token-secret", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Eventing:Dapr:AppApiToken")]
    [InlineData("APP_API_TOKEN")]
    public async Task With_the_token_from_either_setting_the_host_starts_and_refuses_deliveries_without_it(string setting)
    {
        var builder = Host(new Dictionary<string, string?> { [setting] = "sidecar-secret" });
        await using var app = builder.Build();
        app.MapDaprEventing();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()) };
        var id = CloudEvents.NewId();

        using var forged = await http.PostAsync("/events/" + SubscriberApp.ProductTopic, new StringContent(CloudEvents.Product(id, "forged")));
        using var signed = new HttpRequestMessage(HttpMethod.Post, "/events/" + SubscriberApp.ProductTopic) { Content = new StringContent(CloudEvents.Product(id, "real")) };
        signed.Headers.Add("dapr-api-token", "sidecar-secret");
        using var delivered = await http.SendAsync(signed);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal(["real"], (await Effects.OfAsync(app.Services.GetRequiredService<CarTConsortium.BuildingBlocks.Storage.IDocumentStore>(), id)).Select(effect => effect.Subject));
        await app.StopAsync();
    }

    public void Dispose() => _folder.Dispose();

    private WebApplicationBuilder Host(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Eventing:AppId"] = "approvals-test",
            ["Eventing:Dapr:PubSubName"] = SubscriberApp.PubSubName,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSqliteStorage(Path.Combine(_folder, $"{Guid.NewGuid():N}.db"));
        builder.Services.AddDaprEventing(builder.Configuration);
        builder.Services.RequireDaprAppToken();
        builder.Services.AddEventHandler<ProductRegistered, ProductRegisteredHandler>();
        return builder;
    }
}
