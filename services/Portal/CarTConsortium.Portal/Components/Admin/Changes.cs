using System.Collections;
using System.Globalization;
using CarTConsortium.Portal.Components.Shared;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace CarTConsortium.Portal.Components.Admin;

/// <summary>
/// What someone else changed in a record between the version a page read and the one it reloaded after a
/// lost race (ABORTED): one "field: before → after" per changed field, nested fields by their API path
/// (e.g. accreditation.status), the revision itself left out.
/// </summary>
public static class Changes
{
    public static IReadOnlyList<string> Between(IMessage before, IMessage after)
    {
        var changes = new List<string>();
        Collect(before, after, "", changes);
        return changes;
    }

    private static void Collect(IMessage before, IMessage after, string prefix, List<string> changes)
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
                Collect(a, b, path + ".", changes);
                continue;
            }
            var (shownBefore, shownAfter) = (Show(was), Show(now));
            if (!string.Equals(shownBefore, shownAfter, StringComparison.Ordinal))
            {
                changes.Add($"{path}: {Empty(shownBefore)} → {Empty(shownAfter)}");
            }
        }
    }

    private static string Empty(string value) => value.Length == 0 ? "—" : value;

    /// <summary>A value as a person reads it: days and times as the portal shows them, a list's items joined, a message's fields in order.</summary>
    private static string Show(object? value) => value switch
    {
        null => "",
        Google.Type.Date date => Formats.Day(date),
        Timestamp at => Formats.Time(at),
        string text => text,
        IMessage message => string.Join(" ", message.Descriptor.Fields.InFieldNumberOrder()
            .Select(f => Show(f.Accessor.GetValue(message))).Where(v => v.Length > 0)),
        IEnumerable list => string.Join(", ", list.Cast<object>().Select(Show)),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
