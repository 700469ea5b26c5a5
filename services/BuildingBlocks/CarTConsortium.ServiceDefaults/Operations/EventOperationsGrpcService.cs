using CarTConsortium.Contracts.Operations.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Contract = CarTConsortium.Contracts.Operations.V1;

namespace CarTConsortium.ServiceDefaults.Operations;

/// <summary>The API of <see cref="EventOperations"/>: maps to and from the use cases, nothing else.</summary>
public sealed class EventOperationsGrpcService(ListDeadLetters list, ReplayDeadLetter replay) : EventOperations.EventOperationsBase
{
    public override async Task<ListDeadLettersResponse> ListDeadLetters(ListDeadLettersRequest request, ServerCallContext context)
    {
        var page = await list.ExecuteAsync(new ListDeadLettersCommand(request.Service, request.Page?.PageSize ?? 0, request.Page?.PageToken, request.Topic),
            context.CancellationToken);
        return new ListDeadLettersResponse { DeadLetters = { page.DeadLetters.Select(ToContract) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<ReplayDeadLetterResponse> ReplayDeadLetter(ReplayDeadLetterRequest request, ServerCallContext context)
    {
        var result = await replay.ExecuteAsync(new ReplayDeadLetterCommand(request.Service, request.DeadLetterId), context.CancellationToken);
        return new ReplayDeadLetterResponse { Handled = result.Handled, Reason = result.Reason ?? "" };
    }

    private static Contract.DeadLetter ToContract(BuildingBlocks.Storage.DeadLetter letter)
    {
        var contract = new Contract.DeadLetter
        {
            DeadLetterId = letter.Key,
            EventId = letter.EventId,
            Consumer = letter.Consumer,
            Topic = letter.Topic,
            Source = letter.Source ?? "",
            Payload = letter.Payload,
            Reason = letter.Reason,
            Attempts = letter.Attempts,
            DeadLetteredAt = Timestamp.FromDateTimeOffset(letter.DeadLetteredAt),
        };
        if (letter.FirstAttemptAt is { } first)
        {
            contract.FirstAttemptAt = Timestamp.FromDateTimeOffset(first);
        }
        if (letter.OccurredAt is { } occurred)
        {
            contract.OccurredAt = Timestamp.FromDateTimeOffset(occurred);
        }
        return contract;
    }
}
