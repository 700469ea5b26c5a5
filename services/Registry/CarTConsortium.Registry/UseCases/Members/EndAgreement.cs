using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

/// <param name="AgreementId">The pair, e.g. KG-KZ.</param>
/// <param name="ExpectedRevision">The revision the caller read; a stale one is ABORTED.</param>
public sealed record EndAgreementCommand(string AgreementId, DateParts? EndsOn, long ExpectedRevision);

/// <summary>Sets an agreement's last day, and tells the other services (AgreementChanged).</summary>
public sealed class EndAgreement(IDocumentStore store, TimeProvider clock)
{
    public async Task<Stored<Agreement>> ExecuteAsync(EndAgreementCommand command, CancellationToken ct)
    {
        var agreementId = command.AgreementId;
        var validator = new Validator()
            .Check(agreementId is { Length: 5 } && agreementId[2] == '-', "agreement_id", "must be an agreement id such as KG-KZ");
        validator.CheckExpectedRevision(command.ExpectedRevision);
        validator.ThrowIfInvalid();
        var current = await store.FindAsync(RegistryCollections.Agreements, agreementId, ct)
            ?? throw new NotFoundException($"No agreement '{agreementId}' exists.");
        ExpectedRevision.Require(RegistryCollections.Agreements, current, command.ExpectedRevision);
        var ended = current.Value.End(command.EndsOn, clock.UtcToday());
        var stored = current with { Version = current.Version + 1, Value = ended };
        await store.CommitAsync(new ChangeSet()
            .Update(RegistryCollections.Agreements, current, ended)
            .Raise(MemberEvents.AgreementChanged(stored), clock), ct);
        return stored;
    }
}
