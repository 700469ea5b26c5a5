using System.Globalization;
using System.Text.Json;
using CarTConsortium.BuildingBlocks.Errors;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Primitives;

namespace CarTConsortium.ServiceDefaults.Transcoding;

/// <summary>
/// Finds why a REST body cannot become its request message (proto3 JSON mapping), without I/O:
/// bad JSON, a value of the wrong type, an enum name that does not exist, a number out of range.
/// Each answer names the field and the expected type, and quotes nothing of the input but a
/// short prefix of an unknown field's or enum value's name: the caller learns what to fix and
/// nothing about the platform's types.
/// </summary>
public static class JsonBodyCheck
{
    /// <summary>How much of a name from the input a violation may quote.</summary>
    public const int QuotedPrefix = 32;

    /// <summary>The field of the body.</summary>
    public const string Body = "body";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>The first problem of <paramref name="json"/> as a body of <paramref name="message"/>, or null when it maps.</summary>
    public static FieldViolation? Find(MessageDescriptor message, ReadOnlyMemory<byte> json)
    {
        ArgumentNullException.ThrowIfNull(message);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            return new FieldViolation(Body, $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        using (document)
        {
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? Walk(message, document.RootElement, "")
                : new FieldViolation(Body, "must be a JSON object");
        }
    }

    /// <summary>
    /// The first query parameter that cannot become its field of <paramref name="message"/>, or null.
    /// A parameter names a field path (<c>page.size</c> or <c>status</c>, by proto or JSON name);
    /// one the message does not have is left to the transcoder, which ignores it.
    /// </summary>
    public static FieldViolation? FindInQuery(MessageDescriptor message, IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(query);
        foreach (var (key, values) in query)
        {
            if (FieldAt(message, key) is not var (field, path))
            {
                continue;
            }
            foreach (var value in values.OfType<string>())
            {
                if (QueryValue(field, value) is { } problem)
                {
                    return new FieldViolation(path, problem);
                }
            }
        }
        return null;
    }

    /// <summary>At most <see cref="QuotedPrefix"/> characters of <paramref name="text"/>, with no control characters.</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var prefix = new string([.. text.Take(QuotedPrefix).Select(c => char.IsControl(c) || UnsafeText.IsUnsafe(c) ? '?' : c)]);
        return text.Length > QuotedPrefix ? prefix + "..." : prefix;
    }

    private static FieldViolation? Walk(MessageDescriptor message, JsonElement body, string prefix)
    {
        foreach (var property in body.EnumerateObject())
        {
            var field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
            if (field is null)
            {
                return new FieldViolation(prefix + Quote(property.Name), "is not a field of this request");
            }
            if (Check(field, property.Value, prefix + field.Name) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private static FieldViolation? Check(FieldDescriptor field, JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (field.IsMap)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                return new FieldViolation(path, "must be a JSON object");
            }
            var valueField = field.MessageType.FindFieldByNumber(2);
            return value.EnumerateObject().Select(entry => Single(valueField, entry.Value, $"{path}[{Quote(entry.Name)}]")).FirstOrDefault(p => p is not null);
        }
        if (field.IsRepeated)
        {
            return value.ValueKind != JsonValueKind.Array
                ? new FieldViolation(path, "must be a JSON array")
                : value.EnumerateArray().Select((item, index) => Single(field, item, $"{path}[{index}]")).FirstOrDefault(p => p is not null);
        }
        return Single(field, value, path);
    }

    private static FieldViolation? Single(FieldDescriptor field, JsonElement value, string path)
    {
        var ok = field.FieldType switch
        {
            FieldType.String or FieldType.Bytes => value.ValueKind == JsonValueKind.String,
            FieldType.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Integer(value, field.FieldType, e => e.TryGetInt32(out _)),
            FieldType.UInt32 or FieldType.Fixed32 => Integer(value, field.FieldType, e => e.TryGetUInt32(out _)),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Integer(value, field.FieldType, e => e.TryGetInt64(out _)),
            FieldType.UInt64 or FieldType.Fixed64 => Integer(value, field.FieldType, e => e.TryGetUInt64(out _)),
            FieldType.Float or FieldType.Double => value.ValueKind == JsonValueKind.Number
                || (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)),
            FieldType.Enum => value.ValueKind == JsonValueKind.Number ? value.TryGetInt32(out _) : value.ValueKind == JsonValueKind.String,
            // Well-known types (timestamps, wrappers, Struct) have JSON forms of their own: the transcoder judges them.
            FieldType.Message or FieldType.Group => field.MessageType.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal) || value.ValueKind == JsonValueKind.Object,
            _ => true,
        };
        if (!ok)
        {
            return new FieldViolation(path, "must be " + Expected(field));
        }
        if (field.FieldType == FieldType.Enum && value.ValueKind == JsonValueKind.String && field.EnumType.FindValueByName(value.GetString()!) is null)
        {
            return new FieldViolation(path, $"'{Quote(value.GetString()!)}' is not one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}");
        }
        return field.FieldType == FieldType.Message && value.ValueKind == JsonValueKind.Object && !field.MessageType.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal)
            ? Walk(field.MessageType, value, path + ".")
            : null;
    }

    private static (FieldDescriptor Field, string Path)? FieldAt(MessageDescriptor message, string key)
    {
        FieldDescriptor? field = null;
        var path = new List<string>();
        MessageDescriptor? current = message;
        foreach (var segment in key.Split('.'))
        {
            field = current?.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == segment || f.Name == segment);
            if (field is null)
            {
                return null;
            }
            path.Add(field.Name);
            current = field.FieldType == FieldType.Message ? field.MessageType : null;
        }
        return field is null ? null : (field, string.Join('.', path));
    }

    /// <summary>Why a query value cannot be the field's value, or null. Strings and well-known messages are the transcoder's to judge.</summary>
    private static string? QueryValue(FieldDescriptor field, string value)
    {
        var ok = field.FieldType switch
        {
            FieldType.Bool => value is "true" or "false",
            FieldType.Enum => field.EnumType.FindValueByName(value) is not null || int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            FieldType.Float or FieldType.Double => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            _ => IntegerText(field.FieldType, value) ?? true,
        };
        return ok ? null
            : field.FieldType == FieldType.Enum ? $"'{Quote(value)}' is not one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}"
            : "must be " + Expected(field);
    }

    /// <summary>Whether <paramref name="text"/> is an integer of the field type; null when the type is no integer.</summary>
    private static bool? IntegerText(FieldType type, string text) => type switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        FieldType.UInt32 or FieldType.Fixed32 => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        FieldType.UInt64 or FieldType.Fixed64 => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        _ => null,
    };

    private static bool Integer(JsonElement value, FieldType type, Func<JsonElement, bool> fromNumber) => value.ValueKind switch
    {
        JsonValueKind.Number => fromNumber(value),
        JsonValueKind.String => IntegerText(type, value.GetString()!) == true,
        _ => false,
    };

    private static string Expected(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => "a string",
        FieldType.Bytes => "a base64 string",
        FieldType.Bool => "true or false",
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => "a 32-bit integer",
        FieldType.UInt32 or FieldType.Fixed32 => "a non-negative 32-bit integer",
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => "a 64-bit integer",
        FieldType.UInt64 or FieldType.Fixed64 => "a non-negative 64-bit integer",
        FieldType.Float or FieldType.Double => "a number",
        FieldType.Enum => "the name of a value (" + string.Join(", ", field.EnumType.Values.Select(v => v.Name)) + ")",
        _ => "a JSON object",
    };
}
