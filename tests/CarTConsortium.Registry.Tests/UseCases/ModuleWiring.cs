using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>The registry module's own registrations over a test's store and clock, as a host makes them; no server is built.</summary>
internal static class ModuleWiring
{
    public static ServiceProvider Services(RegistryModule module, IDocumentStore store, TimeProvider clock)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(FederationSettings.OneIssuer.Concat(RegistrySettings.Pseudonymisation));
        // What every web host has, and token validation's authorization policies need.
        builder.Services.AddRouting();
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(clock);
        module.AddServices(builder);
        return builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}
