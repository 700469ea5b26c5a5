using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CarTConsortium.BuildingBlocks.Eventing;

namespace CarTConsortium.Eventing.Dapr;

/// <summary>
/// Our envelope as a CloudEvent 1.0 in JSON (structured mode), both ways. We author the
/// CloudEvent ourselves rather than let the sidecar wrap the payload, because Dapr keeps
/// an app-authored CloudEvent's id: every subscriber then dedupes on the id the outbox
/// gave the event, however often it is published again.
/// </summary>
internal static class CloudEventJson
{
    public const string MediaType = "application/cloudevents+json";
    public const string DataMediaType = "application/json";

    public static byte[] Write(EventEnvelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("id", envelope.Id);
            writer.WriteString("source", envelope.Source);
            writer.WriteString("type", envelope.Topic);
            writer.WriteString("time", envelope.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("datacontenttype", DataMediaType);
            if (!string.IsNullOrEmpty(envelope.TraceParent))
            {
                writer.WriteString("traceparent", envelope.TraceParent);
                // Dapr fills in a missing traceid from its own span; carrying ours keeps
                // both trace fields on the one trace the event belongs to.
                writer.WriteString("traceid", envelope.TraceParent);
            }
            writer.WritePropertyName("data");
            if (IsJson(envelope.Payload))
            {
                writer.WriteRawValue(envelope.Payload, skipInputValidation: true);
            }
            else
            {
                // Never block the outbox on one bad payload: ship it as a string and let
                // the subscribers dead-letter it where an operator can see it.
                writer.WriteStringValue(envelope.Payload);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a delivered CloudEvent. The route it arrived on names the topic; the event's
    /// data may be a JSON value (structured JSON data), a string holding the JSON (data
    /// serialised by a producer that treated it as text) or base64 (binary data).
    /// </summary>
    public static bool TryRead(JsonElement cloudEvent, string topic, DateTimeOffset now, [NotNullWhen(true)] out EventEnvelope? envelope, out string problem)
    {
        envelope = null;
        if (cloudEvent.ValueKind != JsonValueKind.Object)
        {
            problem = $"body is JSON {cloudEvent.ValueKind}, not a CloudEvent object";
            return false;
        }
        if (!TryGetString(cloudEvent, "id", out var id) || string.IsNullOrWhiteSpace(id))
        {
            problem = "CloudEvent has no id";
            return false;
        }

        string payload;
        if (cloudEvent.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null)
        {
            payload = data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText();
        }
        else if (cloudEvent.TryGetProperty("data_base64", out var base64) && base64.ValueKind == JsonValueKind.String
            && base64.TryGetBytesFromBase64(out var bytes))
        {
            payload = Encoding.UTF8.GetString(bytes);
        }
        else
        {
            // No data at all: the dispatcher finds it unreadable and dead-letters it with the id.
            payload = "";
        }

        var occurredAt = TryGetString(cloudEvent, "time", out var time)
            && DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : now;
        TryGetString(cloudEvent, "source", out var source);
        TryGetString(cloudEvent, "traceparent", out var traceParent);

        envelope = new EventEnvelope(id, topic, source ?? "", occurredAt, payload, string.IsNullOrEmpty(traceParent) ? null : traceParent);
        problem = "";
        return true;
    }

    private static bool TryGetString(JsonElement element, string name, out string? value)
    {
        if (element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String)
        {
            value = property.GetString();
            return true;
        }
        value = null;
        return false;
    }

    private static bool IsJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
