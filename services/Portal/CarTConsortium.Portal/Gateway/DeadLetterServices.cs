using CarTConsortium.ServiceDefaults.Operations;
using Grpc.Core;

namespace CarTConsortium.Portal.Gateway;

/// <summary>The services whose dead letters the admin page shows, and how a call reaches the right one.</summary>
public static class DeadLetterServices
{
    public static IReadOnlyList<string> All { get; } = ["registry", "procurement", "approvals", "slots"];

    /// <summary>Every service serves the same EventOperations methods: the gateway routes a call by this header.</summary>
    public static Metadata RouteTo(string service) => new() { { EventOperationsRegistration.ServiceHeader, service } };
}
