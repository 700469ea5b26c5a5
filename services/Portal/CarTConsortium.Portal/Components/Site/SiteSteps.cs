using CarTConsortium.Contracts.Slots.V1;

namespace CarTConsortium.Portal.Components.Site;

/// <summary>
/// The steps of a booking's lifecycle a manufacturing site records, as the slots API allows them from each
/// status (the hospital records the others: confirmation, apheresis shipped, infusion). The page offers only
/// these; the API still decides.
/// </summary>
public static class SiteSteps
{
    private static readonly Dictionary<BookingStatus, BookingStatus[]> Forward = new()
    {
        [BookingStatus.ApheresisShipped] = [BookingStatus.ApheresisReceived],
        [BookingStatus.ApheresisReceived] = [BookingStatus.InManufacturing],
        [BookingStatus.InManufacturing] = [BookingStatus.Released, BookingStatus.ManufacturingFailed],
        [BookingStatus.Released] = [BookingStatus.Shipped],
    };

    /// <summary>The site's next steps forward from <paramref name="status"/>; none while the hospital has the next step.</summary>
    public static IReadOnlyList<BookingStatus> Next(BookingStatus status) => Forward.TryGetValue(status, out var next) ? next : [];

    /// <summary>A site may cancel an active booking, except while its cells are being manufactured.</summary>
    public static bool MayCancel(BookingStatus status) => status is BookingStatus.Held or BookingStatus.Confirmed or BookingStatus.ApheresisShipped
        or BookingStatus.ApheresisReceived or BookingStatus.Released or BookingStatus.Shipped;

    /// <summary>Only a booking whose cells are not in manufacturing yet moves to another run.</summary>
    public static bool MayMove(BookingStatus status) => status is BookingStatus.Held or BookingStatus.Confirmed or BookingStatus.ApheresisShipped
        or BookingStatus.ApheresisReceived;
}
