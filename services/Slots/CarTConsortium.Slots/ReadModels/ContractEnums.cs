using System.Globalization;

namespace CarTConsortium.Slots.ReadModels;

/// <summary>Other services' enum values kept as their protobuf names, so a value added later reads through.</summary>
internal static class ContractEnums
{
    public static string NameOf<TEnum>(Google.Protobuf.Reflection.FileDescriptor file, TEnum value) where TEnum : struct, Enum
    {
        var number = Convert.ToInt32(value, CultureInfo.InvariantCulture);
        var descriptor = file.EnumTypes.FirstOrDefault(e => e.ClrType == typeof(TEnum));
        return descriptor?.FindValueByNumber(number)?.Name ?? number.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>The registry's enum values by name.</summary>
internal static class RegistryEnums
{
    public static string NameOf<TEnum>(TEnum value) where TEnum : struct, Enum =>
        ContractEnums.NameOf(Contracts.Registry.V1.RegistryReflection.Descriptor, value);
}

/// <summary>Approvals' enum values by name.</summary>
internal static class ApprovalsEnums
{
    public static string NameOf<TEnum>(TEnum value) where TEnum : struct, Enum =>
        ContractEnums.NameOf(Contracts.Approvals.V1.ApprovalsReflection.Descriptor, value);
}
