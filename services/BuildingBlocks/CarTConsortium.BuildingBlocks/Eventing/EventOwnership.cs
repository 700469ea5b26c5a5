namespace CarTConsortium.BuildingBlocks.Eventing;

/// <summary>
/// Which service may publish a topic. A topic is its event's full protobuf name, and the
/// proto package <c>consortium.&lt;service&gt;.v&lt;n&gt;</c> names the one service that owns it;
/// that service's app id is the <see cref="EventEnvelope.Source"/> its relay stamps on
/// every event. An event whose source is not the owner is forged (or misrouted) and is never applied.
/// </summary>
public static class EventOwnership
{
    private const string Root = "consortium";

    /// <summary>The owning service's app id, or null when the topic names none (no one may publish it).</summary>
    public static string? OwnerOf(string topic)
    {
        var parts = topic.Split('.');
        return parts.Length == 4 && parts[0] == Root && parts[1].Length > 0 && IsVersion(parts[2]) && parts[3].Length > 0
            ? parts[1]
            : null;
    }

    /// <summary>Whether <paramref name="source"/> may publish on <paramref name="topic"/>.</summary>
    public static bool MayPublish(string source, string topic) =>
        OwnerOf(topic) is { } owner && string.Equals(owner, source, StringComparison.Ordinal);

    private static bool IsVersion(string part) =>
        part.Length > 1 && part[0] == 'v' && part.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
}
