using Microsoft.AspNetCore.Builder;

namespace CarTConsortium.ServiceDefaults;

/// <summary>
/// One bounded context as a unit a host can run: alone in its own process (distributed
/// mode) or beside the others in one process (standalone). The module never learns which:
/// the host gives it storage and eventing adapters before <see cref="AddServices"/>.
/// </summary>
public interface IServiceModule
{
    /// <summary>The app id: the event source, Dapr app id and telemetry service name.</summary>
    string AppId { get; }

    void AddServices(WebApplicationBuilder builder);

    void MapEndpoints(WebApplication app);

    /// <summary>Fills an empty database with the demo data of the standalone mode.</summary>
    Task SeedDemoDataAsync(IServiceProvider services, CancellationToken ct) => Task.CompletedTask;
}
