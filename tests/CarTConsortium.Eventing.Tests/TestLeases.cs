using CarTConsortium.BuildingBlocks.Leases;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Eventing.Tests;

/// <summary>Leases on a store as an app instance gets them: a holder id of its own.</summary>
internal static class TestLeases
{
    public static LeasedWork On(ILeaseStore store, TimeSpan? duration = null, TimeProvider? clock = null) =>
        new(store, Options.Create(new LeaseOptions { Duration = duration ?? TimeSpan.FromSeconds(15) }), clock ?? TimeProvider.System, new LeaseHolder(),
            NullLogger<LeasedWork>.Instance);
}
