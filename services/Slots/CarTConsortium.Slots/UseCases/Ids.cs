namespace CarTConsortium.Slots.UseCases;

/// <summary>The shape of the ids slots hands out (runs, bookings, requests, waitlist entries): a UUID in its canonical lower-case form.</summary>
public static class Ids
{
    public static bool IsId(string? id) => Guid.TryParseExact(id, "D", out var parsed) && parsed.ToString() == id;
}
