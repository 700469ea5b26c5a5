namespace CarTConsortium.Slots.Domain.Bookings;

/// <summary>
/// Where a booking of a manufacturing run stands. Stored by name, so the order of the
/// members carries no meaning in stored data.
/// </summary>
public enum BookingStatus
{
    /// <summary>The run is reserved for the patient until the hold expires, unless confirmed.</summary>
    Held,
    Confirmed,
    ApheresisShipped,
    ApheresisReceived,
    InManufacturing,
    Released,
    Shipped,
    Infused,
    Cancelled,
    ManufacturingFailed,

    /// <summary>The hold lapsed before it was confirmed; the run's capacity is free again.</summary>
    Expired,
}

/// <summary>One step of a booking's chain of custody: what it became, when, and who made it so.</summary>
/// <param name="Subject">The token subject of whoever took the step.</param>
/// <param name="ClientId">The client the subject used.</param>
/// <param name="Org">The institution the subject acted for; none for the consortium or the platform itself.</param>
public sealed record CustodyStep(BookingStatus Status, DateTimeOffset At, string Subject, string ClientId, string? Org, string? Note);

/// <summary>Something a booking's hospital must look at, e.g. the authorisation it relies on was suspended.</summary>
public sealed record BookingFlag(string Kind, string Detail, DateTimeOffset RaisedAt);
