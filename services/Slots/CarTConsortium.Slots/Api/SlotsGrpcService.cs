using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Runs;
using CarTConsortium.Slots.UseCases.Waitlist;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Contract = CarTConsortium.Contracts.Slots.V1;

namespace CarTConsortium.Slots.Api;

/// <summary>Slots' gRPC (and, through transcoding, REST/JSON) face: translation only.</summary>
public sealed class SlotsGrpcService(IServiceProvider useCases) : SlotsService.SlotsServiceBase
{
    // Each call builds only the use case it runs, from the call's scope.
    private T Use<T>() where T : notnull => useCases.GetRequiredService<T>();

    public override async Task<Contract.Capacity> PublishCapacity(PublishCapacityRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await Use<PublishRun>().ExecuteAsync(new PublishRunCommand(request.SiteId, request.ProductId, SlotsMapping.FromContract(request.RunStart),
            request.RunDays, request.Lines, SlotsMapping.FromContract(request.ApheresisCutoff)), context.Caller(), context.CancellationToken));

    public override async Task<Contract.Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await Use<GetRun>().ExecuteAsync(new GetRunCommand(request.CapacityId), context.CancellationToken));

    public override async Task<ListCapacityResponse> ListCapacity(ListCapacityRequest request, ServerCallContext context)
    {
        var page = await Use<ListRuns>().ExecuteAsync(new ListRunsCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.SiteId, request.ProductId),
            context.CancellationToken);
        return new ListCapacityResponse { Capacity = { page.Runs.Select(SlotsMapping.ToContract) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Contract.Capacity> CloseCapacity(CloseCapacityRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await Use<CloseRun>().ExecuteAsync(new CloseRunCommand(request.CapacityId, request.ExpectedRevision, request.Reason),
            context.Caller(), context.CancellationToken));

    public override async Task<Contract.Capacity> ReopenCapacity(ReopenCapacityRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await Use<ReopenRun>().ExecuteAsync(new ReopenRunCommand(request.CapacityId, request.ExpectedRevision),
            context.Caller(), context.CancellationToken));

    public override async Task<RequestRunResponse> RequestRun(RequestRunRequest request, ServerCallContext context)
    {
        var outcome = await Use<BookingDesk>().RequestRunAsync(context.Caller(), new RunRequestInput(request.Pseudonym, request.ProductId, request.Indication,
            SlotsMapping.FromContract(request.Urgency), request.SiteId, SlotsMapping.FromContract(request.EarliestStart), SlotsMapping.FromContract(request.LatestStart),
            request.TreatingInstitutionId, request.NoWaitlist), context.CancellationToken);
        // The requesting hospital treats the patient: it sees the pseudonym it sent.
        var response = new RequestRunResponse
        {
            RequestId = outcome.RequestId,
            Summary = outcome.Summary,
            Decisions = { outcome.Decisions.Select(SlotsMapping.ToContract) },
        };
        if (outcome.Booking is { } booking)
        {
            response.Booking = SlotsMapping.ToContract(booking, showPseudonym: true);
        }
        else if (outcome.Entry is { } entry)
        {
            response.Waitlisted = SlotsMapping.ToContract(entry, showPseudonym: true);
        }
        return response;
    }

    public override async Task<Contract.Booking> GetBooking(GetBookingRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var booking = await Use<BookingDesk>().GetAsync(caller, request.BookingId, context.CancellationToken);
        return SlotsMapping.ToContract(booking, BookingAccess.SeesPseudonym(caller, booking.Value));
    }

    public override async Task<ListBookingsResponse> ListBookings(ListBookingsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var status = request.Status == Contract.BookingStatus.Unspecified ? null : SlotsMapping.FromContract(request.Status);
        if (request.Status != Contract.BookingStatus.Unspecified && status is null)
        {
            throw new BuildingBlocks.Errors.InvalidArgumentException([new("status", "is not a booking status")]);
        }
        var (found, next) = await Use<BookingDesk>().ListAsync(caller, request.Page?.PageSize ?? 0, request.Page?.PageToken, request.SiteId,
            request.TreatingInstitutionId, request.CapacityId, status, context.CancellationToken);
        return new ListBookingsResponse
        {
            Bookings = { found.Select(b => SlotsMapping.ToContract(b, BookingAccess.SeesPseudonym(caller, b.Value))) },
            NextPageToken = next,
        };
    }

    public override async Task<Contract.Booking> AdvanceBooking(AdvanceBookingRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var booking = await Use<BookingDesk>().AdvanceAsync(caller, request.BookingId, SlotsMapping.FromContract(request.To), request.ExpectedRevision, request.Note,
            context.CancellationToken);
        return SlotsMapping.ToContract(booking, BookingAccess.SeesPseudonym(caller, booking.Value));
    }

    public override async Task<Contract.Booking> MoveBooking(MoveBookingRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var booking = await Use<BookingDesk>().MoveAsync(caller, request.BookingId, request.ToCapacityId, request.ExpectedRevision, request.Note, context.CancellationToken);
        return SlotsMapping.ToContract(booking, BookingAccess.SeesPseudonym(caller, booking.Value));
    }

    public override async Task<AllocationExplanation> ExplainAllocation(ExplainAllocationRequest request, ServerCallContext context)
    {
        var (decision, runs) = await Use<BookingDesk>().ExplainAsync(context.Caller(), request.RequestId, request.CapacityId, context.CancellationToken);
        return new AllocationExplanation
        {
            RequestId = decision.RequestId,
            ProductId = decision.ProductId,
            DecidedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(decision.DecidedAt),
            BookingId = decision.BookingId ?? "",
            WaitlistEntryId = decision.WaitlistEntryId ?? "",
            Summary = decision.Summary,
            Decisions = { runs.Select(SlotsMapping.ToContract) },
        };
    }

    public override async Task<ListWaitlistResponse> ListWaitlist(ListWaitlistRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (entries, seed) = await Use<WaitlistDesk>().ListAsync(request.ProductId, context.CancellationToken);
        return new ListWaitlistResponse
        {
            LotterySeed = seed,
            Entries =
            {
                entries.Select(e => new RankedWaitlistEntry
                {
                    Position = e.Ranked.Position,
                    // Everyone sees the order and why; only the treating hospital sees whose entry it is.
                    Entry = SlotsMapping.ToContract(e.Stored, caller.HasRole(BuildingBlocks.Security.Roles.HospitalCoordinator)
                        && caller.IsOfOrg(e.Stored.Value.TreatingInstitutionId) && caller.IsOfCountry(e.Stored.Value.PatientCountry)),
                    Explanation = e.Ranked.Explanation,
                }),
            },
        };
    }

    public override async Task<Contract.WaitlistEntry> WithdrawFromWaitlist(WithdrawFromWaitlistRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var entry = await Use<WaitlistDesk>().WithdrawAsync(caller, request.EntryId, request.ExpectedRevision, context.CancellationToken);
        return SlotsMapping.ToContract(entry, showPseudonym: !caller.IsConsortiumAdmin);
    }

    public override async Task<FairShares> GetFairShares(GetFairSharesRequest request, ServerCallContext context)
    {
        var standings = await Use<GetFairShares>().ExecuteAsync(new GetFairSharesCommand(request.SiteId, SlotsMapping.FromContract(request.Day)), context.CancellationToken);
        return new FairShares
        {
            SiteId = standings.Ledger.SiteId,
            PeriodStart = standings.PeriodStart.ToContractDate(),
            PeriodEnd = standings.PeriodEnd.ToContractDate(),
            Lines = standings.Ledger.OpenLines,
            Booked = standings.Ledger.Taken,
            Shares = { standings.Shares.Select(s => new CountryShare { CountryCode = s.CountryCode, Percent = s.Percent, Guaranteed = s.Guaranteed, Used = s.Used }) },
            Unreserved = standings.Unreserved,
            ReleaseDaysBeforeRun = standings.ReleaseDaysBeforeRun,
        };
    }

    public override Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        return Task.FromResult(new WhoAmIResponse
        {
            Subject = caller.Subject,
            ClientId = caller.ClientId,
            Country = caller.Country ?? "",
            Org = caller.Org ?? "",
            Roles = { caller.Roles.Order(StringComparer.Ordinal) },
        });
    }
}
