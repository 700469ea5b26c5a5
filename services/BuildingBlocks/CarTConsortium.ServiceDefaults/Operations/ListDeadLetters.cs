using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using Microsoft.Extensions.Options;

namespace CarTConsortium.ServiceDefaults.Operations;

/// <param name="Service">The service the caller meant; it must be this one.</param>
/// <param name="Topic">Only this topic's dead letters; null or empty for all.</param>
public sealed record ListDeadLettersCommand(string Service, int PageSize, string? PageToken, string? Topic);

public sealed record DeadLetterList(IReadOnlyList<DeadLetter> DeadLetters, string NextPageToken);

/// <summary>This service's dead letters, newest event first, a page at a time (who may: the access table).</summary>
public sealed class ListDeadLetters(IDeadLetterOperations deadLetters, IOptions<EventingOptions> options)
{
    public const int MaxTopicLength = 200;

    public async Task<DeadLetterList> ExecuteAsync(ListDeadLettersCommand command, CancellationToken ct)
    {
        var validator = new Validator();
        ThisService.Check(validator, command.Service, options.Value.AppId);
        validator.MaxLength(command.Topic, MaxTopicLength, "topic");
        var query = Paging.Query(command.PageSize, command.PageToken, validator);
        validator.ThrowIfInvalid();
        var page = await deadLetters.ListDeadLettersAsync(new DeadLetterQuery(command.Topic, query.AfterId, query.Limit), ct);
        return new DeadLetterList(page.Items, Paging.NextToken(new Page<DeadLetter>([], page.NextAfterKey)));
    }
}

/// <summary>The operations RPCs name their service in the request; one app answers only for itself.</summary>
internal static class ThisService
{
    public static void Check(Validator validator, string? service, string appId) =>
        validator.Check(string.Equals(service, appId, StringComparison.Ordinal), "service", $"must be '{appId}', the service that answers here");
}
