using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.ServiceDefaults.Operations;

/// <param name="DeadLetterId">"{event id}~{handler}", as ListDeadLetters names it.</param>
public sealed record ReplayDeadLetterCommand(string Service, string DeadLetterId);

/// <summary>
/// Hands a dead letter to its handler once more (<see cref="DeadLetterReplay"/>): the letter goes only in the commit of
/// the handler's changes, and a replay that fails keeps it with the new reason (who may: the access table).
/// </summary>
public sealed class ReplayDeadLetter(DeadLetterReplay replay, IOptions<EventingOptions> options)
{
    public const int MaxIdLength = 600;

    public async Task<ReplayResult> ExecuteAsync(ReplayDeadLetterCommand command, CancellationToken ct)
    {
        var validator = new Validator();
        ThisService.Check(validator, command.Service, options.Value.AppId);
        validator.MaxLength(command.DeadLetterId, MaxIdLength, "dead_letter_id");
        validator.Check(DeadLetterKey.TryParse(command.DeadLetterId, out var eventId, out var consumer), "dead_letter_id",
            "must be '<event id>~<handler>' as ListDeadLetters returns it");
        validator.ThrowIfInvalid();
        return await replay.ReplayAsync(eventId, consumer, ct);
    }
}
