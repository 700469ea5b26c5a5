using System.Collections;
using System.Globalization;
using CarTConsortium.Portal.Components.Shared;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace CarTConsortium.Portal.Components.Admin;

/// <summary>
/// What someone else changed in a record between the version a page read and the one it reloaded after a
/// lost race (ABORTED): one "field: before → after" per changed field, nested fields by their API path
/// (e.g. accreditation.status), the revision itself left out.
/// </summary>
public static class Changes
{
    /// <param name="before">The record as the page had read it.</param>
    /// <param name="after">The record as it is now.</param>
    /// <param name="name">Says an enum value in the reader's language; its name when not given.</param>
    public static IReadOnlyList<string> Between(IMessage before, IMessage after, Func<Enum, string>? name = null)
    {
        var changes = new List<string>();
        Collect(before, after, "", changes, name ?? (value => value.ToString()));
        return changes;
    }

    private static void Collect(IMessage before, IMessage after, string prefix, List<string> changes, Func<Enum, string> name)
    {
        foreach (var field in before.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.Name == "revision")
            {
                continue;
            }
            var path = prefix + field.Name;
            var (was, now) = (field.Accessor.GetValue(before), field.Accessor.GetValue(after));
            if (!field.IsRepeated && field.FieldType == FieldType.Message && was is IMessage a && now is IMessage b
                && a.Descriptor.FullName is not ("google.type.Date" or "google.protobuf.Timestamp"))
            {
                Collect(a, b, path + ".", changes, name);
                continue;
            }
            var (shownBefore, shownAfter) = (Show(was, name), Show(now, name));
            if (!string.Equals(shownBefore, shownAfter, StringComparison.Ordinal))
            {
                changes.Add($"{path}: {Empty(shownBefore)} → {Empty(shownAfter)}");
            }
        }
    }

    private static string Empty(string value) => value.Length == 0 ? "—" : value;

    /// <summary>A value as a person reads it: days and times as the portal shows them, a list's items joined, a message's fields in order.</summary>
    private static string Show(object? value, Func<Enum, string> name) => value switch
    {
        null => "",
        Enum known => name(known),
        Google.Type.Date date => Formats.Day(date),
        Timestamp at => Formats.Time(at),
        string text => text,
        IMessage message => string.Join(" ", message.Descriptor.Fields.InFieldNumberOrder()
            .Select(f => Show(f.Accessor.GetValue(message), name)).Where(v => v.Length > 0)),
        IEnumerable list => string.Join(", ", list.Cast<object>().Select(v => Show(v, name))),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
