using System.Collections.Frozen;
using System.Reflection;
using Google.Protobuf.Reflection;

namespace CarTConsortium.Gateway.OpenApi;

/// <summary>
/// Schema names in the OpenAPI document: a protobuf message or enum is named by its full proto
/// name (consortium.registry.v1.Product), which is unique where C# type names are not.
/// </summary>
public static class SchemaNames
{
    // Every message and enum the contract reaches, with the files it imports (google.type, ...).
    private static readonly FrozenDictionary<Type, string> ProtoNames = Files(
            Contracts.Registry.V1.RegistryService.Descriptor.File,
            Contracts.Procurement.V1.ProcurementService.Descriptor.File,
            Contracts.Approvals.V1.ApprovalsService.Descriptor.File,
            Contracts.Slots.V1.SlotsService.Descriptor.File,
            Contracts.Operations.V1.EventOperations.Descriptor.File,
            Contracts.Operations.V1.OutboxOperations.Descriptor.File)
        .SelectMany(file => file.MessageTypes.SelectMany(Nested).Select(m => (m.ClrType, m.FullName))
            .Concat(file.EnumTypes.Concat(file.MessageTypes.SelectMany(Nested).SelectMany(m => m.EnumTypes)).Select(e => (e.ClrType, e.FullName))))
        .Where(entry => entry.ClrType is not null)
        .DistinctBy(entry => entry.ClrType)
        .ToFrozenDictionary(entry => entry.ClrType, entry => entry.FullName);

    public static string Of(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (ProtoNames.TryGetValue(type, out var name))
        {
            return name;
        }
        // A message outside the contract's files (e.g. google.rpc.Status of errors) still knows its name.
        return type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is MessageDescriptor descriptor
            ? descriptor.FullName
            : type.Name;
    }

    private static IEnumerable<FileDescriptor> Files(params FileDescriptor[] roots)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<FileDescriptor>(roots);
        while (pending.TryPop(out var file))
        {
            if (seen.Add(file.Name))
            {
                yield return file;
                foreach (var dependency in file.Dependencies)
                {
                    pending.Push(dependency);
                }
            }
        }
    }

    private static IEnumerable<MessageDescriptor> Nested(MessageDescriptor message) =>
        message.NestedTypes.SelectMany(Nested).Prepend(message);
}
