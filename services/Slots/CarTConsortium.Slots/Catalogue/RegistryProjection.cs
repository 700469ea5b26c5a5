using System.Globalization;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Slots.Catalogue;

/// <summary>How slots keeps its copies of the registry's entities.</summary>
internal static class RegistryProjection
{
    /// <summary>
    /// Inserts the copy, or replaces it when the event is newer than what is kept: a
    /// redelivered or out-of-order older event changes nothing.
    /// </summary>
    public static async Task UpsertAsync<T>(IDocumentStore store, EventContext context, Collection<T> collection, string id, T incoming,
        Func<T, long> registryVersion, CancellationToken ct) where T : class
    {
        var current = await store.FindAsync(collection, id, ct);
        if (current is null)
        {
            context.Changes.Insert(collection, id, incoming);
        }
        else if (registryVersion(current.Value) < registryVersion(incoming))
        {
            context.Changes.Update(collection, current, incoming);
        }
    }
}

/// <summary>Registry enum values kept as their protobuf names, so a value added later reads through.</summary>
internal static class RegistryEnums
{
    public static string NameOf<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var number = Convert.ToInt32(value, CultureInfo.InvariantCulture);
        var descriptor = Contracts.Registry.V1.RegistryReflection.Descriptor.EnumTypes.FirstOrDefault(e => e.ClrType == typeof(TEnum));
        return descriptor?.FindValueByNumber(number)?.Name ?? number.ToString(CultureInfo.InvariantCulture);
    }
}
