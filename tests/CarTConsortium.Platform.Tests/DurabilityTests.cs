using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Platform.Tests;

public sealed class DurabilityTests
{
    [Fact]
    public async Task Data_and_events_survive_a_restart_and_demo_data_is_seeded_once()
    {
        var running = await RunningPlatform.StartAsync();
        try
        {
            var registry = new RegistryService.RegistryServiceClient(running.ChannelAs(DemoClients.Admin));
            var before = (await registry.ListProductsAsync(new ListProductsRequest())).Products.Count;
            await registry.RegisterProductAsync(new RegisterProductRequest
            {
                ProductId = "survivor",
                Name = "Survivor",
                TargetAntigen = "CD22",
                CellSource = CellSource.Allogeneic,
                Manufacturer = "Durable Bio",
            });

            running = await running.RestartAsync();

            registry = new RegistryService.RegistryServiceClient(running.ChannelAs(DemoClients.Admin));
            var after = await registry.ListProductsAsync(new ListProductsRequest());
            Assert.Equal(before + 1, after.Products.Count);
            Assert.Equal(CellSource.Allogeneic, (await registry.GetProductAsync(new GetProductRequest { ProductId = "survivor" })).CellSource);
            // Approvals learnt of the product before or after the restart: either way it knows it now.
            var approvals = new ApprovalsService.ApprovalsServiceClient(running.ChannelAs(DemoClients.Admin));
            await Eventually.SucceedsAsync(() => approvals.RecordAuthorisationAsync(new RecordAuthorisationRequest
            {
                ProductId = "survivor",
                Jurisdiction = "KG",
                Authority = Authority.National,
                Pathway = Pathway.CompassionateUse,
                Scope = new Scope { Indication = "r/r B-ALL" },
            }).ResponseAsync);
        }
        finally
        {
            await running.DisposeAsync();
        }
    }
}
