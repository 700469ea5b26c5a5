using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Runs;
using CarTConsortium.Slots.UseCases.Waitlist;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Slots.V1;
using Revision = CarTConsortium.Contracts.Common.V1.Revision;

namespace CarTConsortium.Slots.Api;

/// <summary>Between slots' stored records and its protobuf contract.</summary>
internal static class SlotsMapping
{
    public static Contract.Capacity ToContract(Stored<ManufacturingRun> stored, int booked) => new()
    {
        CapacityId = stored.Value.CapacityId,
        SiteId = stored.Value.SiteId,
        ProductId = stored.Value.ProductId,
        RunStart = stored.Value.RunStart.ToContractDate(),
        RunDays = stored.Value.RunDays,
        Lines = stored.Value.Lines,
        PublishedAt = Timestamp.FromDateTimeOffset(stored.Value.PublishedAt),
        Revision = new Revision { Version = stored.Version },
        ApheresisCutoff = stored.Value.ApheresisCutoff.ToContractDate(),
        Status = stored.Value.IsOpen ? Contract.CapacityStatus.Open : Contract.CapacityStatus.Closed,
        Booked = booked,
        SiteCountry = stored.Value.SiteCountry,
    };

    public static Contract.Capacity ToContract(RunView view) => ToContract(view.Stored, view.Booked);

    /// <summary>A booking as the use case decided the caller sees it.</summary>
    public static Contract.Booking ToContract(BookingView view) => ToContract(view.Stored, view.ShowsPseudonym);

    /// <summary>A waitlist entry as the use case decided the caller sees it.</summary>
    public static Contract.WaitlistEntry ToContract(WaitlistEntryView view) => ToContract(view.Stored, view.ShowsPseudonym, view.ShowsJustification);

    /// <param name="showPseudonym">As the use case decided (<see cref="BookingAccess.SeesPseudonym"/>); always in events, which stay inside the platform.</param>
    public static Contract.Booking ToContract(Stored<Booking> stored, bool showPseudonym)
    {
        var b = stored.Value;
        var contract = new Contract.Booking
        {
            BookingId = b.BookingId,
            CapacityId = b.CapacityId,
            SiteId = b.SiteId,
            ProductId = b.ProductId,
            RunStart = b.RunStart.ToContractDate(),
            Pseudonym = showPseudonym ? b.Pseudonym : "",
            PatientCountry = b.PatientCountry,
            TreatingInstitutionId = b.TreatingInstitutionId,
            Status = ToContract(b.Status),
            Urgency = ToContract(b.Urgency),
            Indication = b.Indication,
            RequestId = b.RequestId,
            WaitlistEntryId = b.WaitlistEntryId ?? "",
            CreatedAt = Timestamp.FromDateTimeOffset(b.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(b.UpdatedAt),
            Revision = new Revision { Version = stored.Version },
            // Whoever may read the booking may read why it is an emergency (BookingAccess.MayFollow).
            EmergencyJustification = b.EmergencyJustification ?? "",
        };
        if (b.HoldExpiresAt is { } expires)
        {
            contract.HoldExpiresAt = Timestamp.FromDateTimeOffset(expires);
        }
        contract.Custody.AddRange(b.Custody.Select(c => new Contract.CustodyStep
        {
            Status = ToContract(c.Status),
            At = Timestamp.FromDateTimeOffset(c.At),
            Subject = c.Subject,
            ClientId = c.ClientId,
            Org = c.Org ?? "",
            Note = c.Note ?? "",
        }));
        contract.Flags.AddRange(b.RaisedFlags.Select(f => new Contract.BookingFlag { Kind = f.Kind, Detail = f.Detail, RaisedAt = Timestamp.FromDateTimeOffset(f.RaisedAt) }));
        return contract;
    }

    /// <param name="showJustification">As the use case decided (<see cref="WaitlistAccess.SeesJustification"/>); the treating hospital's view when not said.</param>
    public static Contract.WaitlistEntry ToContract(Stored<WaitlistEntry> stored, bool showPseudonym, bool? showJustification = null)
    {
        var e = stored.Value;
        return new Contract.WaitlistEntry
        {
            EntryId = e.EntryId,
            Pseudonym = showPseudonym ? e.Pseudonym : "",
            PatientCountry = e.PatientCountry,
            TreatingInstitutionId = e.TreatingInstitutionId,
            ProductId = e.ProductId,
            Urgency = ToContract(e.Urgency),
            JoinedAt = Timestamp.FromDateTimeOffset(e.JoinedAt),
            PriorFailedRun = e.PriorFailedRun,
            Status = e.Status switch
            {
                WaitlistStatus.Waiting => Contract.WaitlistStatus.Waiting,
                WaitlistStatus.Offered => Contract.WaitlistStatus.Offered,
                WaitlistStatus.Accepted => Contract.WaitlistStatus.Accepted,
                _ => Contract.WaitlistStatus.Closed,
            },
            OfferedBookingId = e.OfferedBookingId ?? "",
            RequestId = e.RequestId,
            SiteId = e.SiteId ?? "",
            EarliestStart = e.EarliestStart.ToContractDate(),
            LatestStart = e.LatestStart.ToContractDate(),
            Indication = e.Indication,
            Revision = new Revision { Version = stored.Version },
            ClosedReason = e.ClosedReason ?? "",
            EmergencyJustification = (showJustification ?? showPseudonym) ? e.EmergencyJustification ?? "" : "",
            // A draw is the patient's for good: shown to others it would link one patient's entries.
            Draw = showPseudonym ? e.Draw : "",
            DrawPeriod = e.DrawPeriod,
        };
    }

    public static Contract.RunDecision ToContract(RunDecision decision) => new()
    {
        CapacityId = decision.CapacityId,
        SiteId = decision.SiteId,
        RunStart = decision.RunStart.ToContractDate(),
        Fits = decision.Fits,
        Reasons = { decision.Reasons },
    };

    // By name: the domain's enums are stored by name and their order means nothing; the contract's numbers are its own.
    public static Contract.BookingStatus ToContract(BookingStatus status) => System.Enum.Parse<Contract.BookingStatus>(status.ToString());

    /// <summary>The domain status, or null for UNSPECIFIED or a number this version does not know.</summary>
    public static BookingStatus? FromContract(Contract.BookingStatus status) =>
        status != Contract.BookingStatus.Unspecified && System.Enum.TryParse<BookingStatus>(status.ToString(), out var domain) && System.Enum.IsDefined(domain) ? domain : null;

    public static Contract.UrgencyClass ToContract(UrgencyClass urgency) => System.Enum.Parse<Contract.UrgencyClass>(urgency.ToString());

    public static UrgencyClass FromContract(Contract.UrgencyClass urgency) =>
        System.Enum.TryParse<UrgencyClass>(urgency.ToString(), out var domain) && System.Enum.IsDefined(domain) ? domain : UrgencyClass.Unspecified;

    public static DateParts? FromContract(Google.Type.Date? date) => date.ToDateParts();
}

