using System.Globalization;

namespace CarTConsortium.Slots.Catalogue;

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
