using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.ServiceDefaults;
using CarTConsortium.ServiceDefaults.Security;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Runs;
using CarTConsortium.Slots.UseCases.Waitlist;
using Grpc.Core;
using Contract = CarTConsortium.Contracts.Slots.V1;

namespace CarTConsortium.Slots.Api;

/// <summary>
/// Slots' gRPC (and, through transcoding, REST/JSON) face: each RPC maps its request to a
/// command, calls one use case and maps the result. Who may call which RPC is the module's
/// access table; every other rule, and who sees a pseudonym, is the use cases' and the domain's.
/// </summary>
public sealed class SlotsGrpcService(
    PublishRun publishRun, GetRun getRun, ListRuns listRuns, CloseRun closeRun, ReopenRun reopenRun, GetFairShares getFairShares,
    RequestRun requestRun, GetBooking getBooking, ListBookings listBookings, AdvanceBooking advanceBooking, MoveBooking moveBooking,
    ExplainAllocation explainAllocation, ListWaitlist listWaitlist, WithdrawFromWaitlist withdrawFromWaitlist, GetUrgencyReport getUrgencyReport)
    : SlotsService.SlotsServiceBase
{
    public override async Task<Contract.Capacity> PublishCapacity(PublishCapacityRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await publishRun.ExecuteAsync(new PublishRunCommand(request.SiteId, request.ProductId, SlotsMapping.FromContract(request.RunStart),
            request.RunDays, request.Lines, SlotsMapping.FromContract(request.ApheresisCutoff), request.RequestId), context.Caller(), context.CancellationToken));

    public override async Task<Contract.Capacity> GetCapacity(GetCapacityRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await getRun.ExecuteAsync(new GetRunCommand(request.CapacityId), context.CancellationToken));

    public override async Task<ListCapacityResponse> ListCapacity(ListCapacityRequest request, ServerCallContext context)
    {
        var page = await listRuns.ExecuteAsync(new ListRunsCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.SiteId, request.ProductId),
            context.CancellationToken);
        return new ListCapacityResponse { Capacity = { page.Runs.Select(SlotsMapping.ToContract) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Contract.Capacity> CloseCapacity(CloseCapacityRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await closeRun.ExecuteAsync(new CloseRunCommand(request.CapacityId, request.ExpectedRevision, request.Reason),
            context.Caller(), context.CancellationToken));

    public override async Task<Contract.Capacity> ReopenCapacity(ReopenCapacityRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await reopenRun.ExecuteAsync(new ReopenRunCommand(request.CapacityId, request.ExpectedRevision),
            context.Caller(), context.CancellationToken));

    public override async Task<RequestRunResponse> RequestRun(RequestRunRequest request, ServerCallContext context)
    {
        var result = await requestRun.ExecuteAsync(new RequestRunCommand(request.Pseudonym, request.ProductId, request.Indication,
            SlotsMapping.FromContract(request.Urgency), request.TreatingInstitutionId, request.SiteId, SlotsMapping.FromContract(request.EarliestStart),
            SlotsMapping.FromContract(request.LatestStart), request.NoWaitlist, request.EmergencyJustification, request.RequestId), context.Caller(), context.CancellationToken);
        var response = new RequestRunResponse
        {
            RequestId = result.RequestId,
            Summary = result.Summary,
            Decisions = { result.Decisions.Select(SlotsMapping.ToContract) },
        };
        if (result.Booking is { } booking)
        {
            response.Booking = SlotsMapping.ToContract(booking, result.ShowsPseudonym);
        }
        else if (result.Entry is { } entry)
        {
            response.Waitlisted = SlotsMapping.ToContract(entry, result.ShowsPseudonym);
        }
        return response;
    }

    public override async Task<Contract.Booking> GetBooking(GetBookingRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await getBooking.ExecuteAsync(new GetBookingCommand(request.BookingId), context.Caller(), context.CancellationToken));

    public override async Task<ListBookingsResponse> ListBookings(ListBookingsRequest request, ServerCallContext context)
    {
        var status = SlotsMapping.FromContract(request.Status);
        var page = await listBookings.ExecuteAsync(new ListBookingsCommand(request.Page?.PageSize ?? 0, request.Page?.PageToken, request.SiteId,
            request.TreatingInstitutionId, request.CapacityId, status, StatusNotRecognised: request.Status != Contract.BookingStatus.Unspecified && status is null),
            context.Caller(), context.CancellationToken);
        return new ListBookingsResponse { Bookings = { page.Bookings.Select(SlotsMapping.ToContract) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Contract.Booking> AdvanceBooking(AdvanceBookingRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await advanceBooking.ExecuteAsync(
            new AdvanceBookingCommand(request.BookingId, SlotsMapping.FromContract(request.To), request.ExpectedRevision, request.Note),
            context.Caller(), context.CancellationToken));

    public override async Task<Contract.Booking> MoveBooking(MoveBookingRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await moveBooking.ExecuteAsync(
            new MoveBookingCommand(request.BookingId, request.ToCapacityId, request.ExpectedRevision, request.Note), context.Caller(), context.CancellationToken));

    public override async Task<AllocationExplanation> ExplainAllocation(ExplainAllocationRequest request, ServerCallContext context)
    {
        var explained = await explainAllocation.ExecuteAsync(new ExplainAllocationCommand(request.RequestId, request.CapacityId),
            context.Caller(), context.CancellationToken);
        var decision = explained.Decision;
        return new AllocationExplanation
        {
            RequestId = decision.RequestId,
            ProductId = decision.ProductId,
            DecidedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(decision.DecidedAt),
            BookingId = decision.BookingId ?? "",
            WaitlistEntryId = decision.WaitlistEntryId ?? "",
            Summary = decision.Summary,
            Decisions = { explained.Runs.Select(SlotsMapping.ToContract) },
        };
    }

    public override async Task<ListWaitlistResponse> ListWaitlist(ListWaitlistRequest request, ServerCallContext context)
    {
        var standing = await listWaitlist.ExecuteAsync(new ListWaitlistCommand(request.ProductId), context.Caller(), context.CancellationToken);
        return new ListWaitlistResponse
        {
            Entries =
            {
                standing.Entries.Select(e => new RankedWaitlistEntry
                {
                    Position = e.Ranked.Position,
                    Entry = SlotsMapping.ToContract(e.Stored, e.ShowsPseudonym, e.ShowsJustification),
                    Explanation = e.Ranked.Explanation,
                }),
            },
            Lottery = { standing.Periods.Select(p => new LotteryPeriod { Period = p.Period, Commitment = p.Commitment, Seed = p.RevealedSeed ?? "" }) },
        };
    }

    public override async Task<Contract.WaitlistEntry> WithdrawFromWaitlist(WithdrawFromWaitlistRequest request, ServerCallContext context) =>
        SlotsMapping.ToContract(await withdrawFromWaitlist.ExecuteAsync(new WithdrawFromWaitlistCommand(request.EntryId, request.ExpectedRevision),
            context.Caller(), context.CancellationToken));

    public override async Task<FairShares> GetFairShares(GetFairSharesRequest request, ServerCallContext context)
    {
        var standings = await getFairShares.ExecuteAsync(new GetFairSharesCommand(request.SiteId, SlotsMapping.FromContract(request.Day)), context.CancellationToken);
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

    public override async Task<Contract.UrgencyReport> GetUrgencyReport(GetUrgencyReportRequest request, ServerCallContext context)
    {
        var report = await getUrgencyReport.ExecuteAsync(new GetUrgencyReportCommand(SlotsMapping.FromContract(request.From), SlotsMapping.FromContract(request.To)),
            context.Caller(), context.CancellationToken);
        return new Contract.UrgencyReport
        {
            From = report.From.ToContractDate(),
            To = report.To.ToContractDate(),
            SiteId = report.SiteId ?? "",
            Institutions =
            {
                report.Institutions.Select(u => new InstitutionUrgency
                {
                    TreatingInstitutionId = u.InstitutionId,
                    CountryCode = u.Country,
                    Emergency = u.Emergency,
                    Urgent = u.Urgent,
                    Standard = u.Standard,
                    EmergencyPlaced = u.EmergencyPlaced,
                }),
            },
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
