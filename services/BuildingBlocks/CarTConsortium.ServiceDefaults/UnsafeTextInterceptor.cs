using CarTConsortium.BuildingBlocks.Errors;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace CarTConsortium.ServiceDefaults;

/// <summary>
/// Refuses every request whose strings hold a control, bidirectional or invisible character
/// (<see cref="UnsafeText"/>), in any field at any depth, with INVALID_ARGUMENT naming the field.
/// One place for every service and both protocols: REST goes through the same interceptors
/// after JSON transcoding. Registered inside the error mapping, which turns the exception into the status.
/// </summary>
public sealed class UnsafeTextInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Inspect(request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Inspect(request);
        return continuation(request, responseStream, context);
    }

    /// <summary>Every unsafe string of <paramref name="message"/>, by field path (e.g. <c>lines[2].note</c>).</summary>
    public static IReadOnlyList<FieldViolation> Violations(IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var found = new List<FieldViolation>();
        Walk(message, "", found);
        return found;
    }

    private static void Inspect(object request)
    {
        if (request is IMessage message && Violations(message) is { Count: > 0 } violations)
        {
            throw new InvalidArgumentException(violations);
        }
    }

    private static void Walk(IMessage message, string prefix, List<FieldViolation> found)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            // Numbers, booleans, enums and bytes hold no text: not read at all (maps are messages here).
            if (field.FieldType is not (FieldType.String or FieldType.Message or FieldType.Group))
            {
                continue;
            }
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                foreach (var entry in ((System.Collections.IDictionary)value).Cast<System.Collections.DictionaryEntry>())
                {
                    // The key is quoted safely: an unsafe key must not reach the error it causes.
                    var entryPath = $"{path}[{Transcoding.JsonBodyCheck.Quote(entry.Key.ToString() ?? "")}]";
                    Check(entry.Key, entryPath, found);
                    Check(entry.Value, entryPath, found);
                }
            }
            else if (field.IsRepeated)
            {
                var index = 0;
                foreach (var item in (System.Collections.IEnumerable)value)
                {
                    Check(item, $"{path}[{index++}]", found);
                }
            }
            else if (field.FieldType != FieldType.Message || field.Accessor.HasValue(message))
            {
                Check(value, path, found);
            }
        }
    }

    private static void Check(object? value, string path, List<FieldViolation> found)
    {
        switch (value)
        {
            case string text when UnsafeText.FirstUnsafe(text) is var at and >= 0:
                found.Add(new FieldViolation(path, UnsafeText.Describe(text, at)));
                break;
            case IMessage nested:
                Walk(nested, path + ".", found);
                break;
        }
    }
}
