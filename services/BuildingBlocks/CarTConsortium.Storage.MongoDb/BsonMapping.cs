using CarTConsortium.BuildingBlocks.Storage;
using MongoDB.Bson;

namespace CarTConsortium.Storage.MongoDb;

/// <summary>
/// Explicit BSON shapes for the store's own records, so nothing depends on driver
/// class-map conventions or on a serializer registered somewhere else in the process.
/// </summary>
internal static class BsonMapping
{
    public static BsonDocument ToDocument(DocumentWrite write, long version) => new()
    {
        { "_id", write.Id },
        { "version", version },
        // The JSON text is kept as a string, not converted to BSON, so it reads back byte for byte.
        { "body", write.Json },
        { "keys", new BsonDocument(write.Keys.Select(key => new BsonElement(key.Key, key.Value))) },
    };

    public static Stored<T> ToStored<T>(Collection<T> collection, BsonDocument document) where T : class =>
        new(document["_id"].AsString, document["version"].ToInt64(), collection.Deserialize(document["body"].AsString));

    public static BsonDocument ToDocument(OutboxMessage message) => new()
    {
        { "_id", message.Id },
        { "topic", message.Topic },
        { "payload", message.Payload },
        { "traceParent", message.TraceParent is null ? BsonNull.Value : new BsonString(message.TraceParent) },
        { "occurredAt", ToBson(message.OccurredAt) },
        { "publishedAt", BsonNull.Value },
    };

    public static OutboxMessage ToOutboxMessage(BsonDocument document) => new(
        document["_id"].AsString,
        document["topic"].AsString,
        document["payload"].AsString,
        document.GetValue("traceParent", BsonNull.Value) is BsonString traceParent ? traceParent.Value : null,
        ToDateTimeOffset(document["occurredAt"].AsBsonDocument));

    public static BsonDocument ToDocument(InboxMark mark, DateTimeOffset handledAt) => new()
    {
        { "_id", InboxId(mark.Consumer, mark.EventId) },
        { "consumer", mark.Consumer },
        { "eventId", mark.EventId },
        // When pruning may drop it (after Eventing:Retention).
        { "handledAt", new BsonDateTime(handledAt.UtcDateTime) },
    };

    /// <summary>One id per (consumer, event): the unique _id index is what makes a second mark fail.</summary>
    public static string InboxId(string consumer, string eventId) => consumer + "\n" + eventId;

    public static BsonDocument ToDocument(DeadLetter deadLetter) => new()
    {
        // Generated here, not by the server, so a retried transaction inserts the same document.
        { "_id", ObjectId.GenerateNewId() },
        { "eventId", deadLetter.EventId },
        { "consumer", deadLetter.Consumer },
        { "topic", deadLetter.Topic },
        { "payload", deadLetter.Payload },
        { "reason", deadLetter.Reason },
        { "attempts", deadLetter.Attempts },
        { "deadLetteredAt", ToBson(deadLetter.DeadLetteredAt) },
        { "source", deadLetter.Source is null ? BsonNull.Value : deadLetter.Source },
        { "occurredAt", deadLetter.OccurredAt is { } occurred ? ToBson(occurred) : BsonNull.Value },
        { "traceParent", deadLetter.TraceParent is null ? BsonNull.Value : deadLetter.TraceParent },
        { "firstAttemptAt", deadLetter.FirstAttemptAt is { } first ? ToBson(first) : BsonNull.Value },
    };

    public static DeadLetter ToDeadLetter(BsonDocument document) => new(
        document["eventId"].AsString,
        document["consumer"].AsString,
        document["topic"].AsString,
        document["payload"].AsString,
        document["reason"].AsString,
        document["attempts"].ToInt32(),
        ToDateTimeOffset(document["deadLetteredAt"].AsBsonDocument),
        // Letters stored before these fields were kept lack them.
        document.GetValue("source", BsonNull.Value) is BsonString source ? source.Value : null,
        document.GetValue("occurredAt", BsonNull.Value) is BsonDocument occurred ? ToDateTimeOffset(occurred) : null,
        document.GetValue("traceParent", BsonNull.Value) is BsonString trace ? trace.Value : null,
        document.GetValue("firstAttemptAt", BsonNull.Value) is BsonDocument first ? ToDateTimeOffset(first) : null);

    /// <summary>The field a <see cref="ToBson"/> timestamp sorts by.</summary>
    public const string TimestampSortField = "ticks";

    /// <summary>
    /// A BSON date holds only milliseconds in UTC, so a timestamp also keeps its UTC ticks
    /// and offset: it reads back equal to what was written, as with the SQLite adapter.
    /// The date is there for people and for queries in the shell.
    /// </summary>
    private static BsonDocument ToBson(DateTimeOffset value) => new()
    {
        { "at", new BsonDateTime(value.UtcDateTime) },
        { TimestampSortField, value.UtcTicks },
        { "offsetMinutes", (int)value.Offset.TotalMinutes },
    };

    private static DateTimeOffset ToDateTimeOffset(BsonDocument value) =>
        new DateTimeOffset(value[TimestampSortField].ToInt64(), TimeSpan.Zero)
            .ToOffset(TimeSpan.FromMinutes(value["offsetMinutes"].ToInt32()));
}
