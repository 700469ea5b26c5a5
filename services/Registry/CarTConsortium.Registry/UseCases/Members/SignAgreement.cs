using System.Globalization;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Events;
using CarTConsortium.Registry.Storage;

namespace CarTConsortium.Registry.UseCases.Members;

/// <param name="EndsOn">Null or all zero for an agreement without an end.</param>
public sealed record SignAgreementCommand(
    IReadOnlyList<string> CountryCodes,
    bool CrossBorderCare,
    bool Shipment,
    int ShipmentLeadDays,
    DateParts? EffectiveFrom,
    DateParts? EndsOn);

/// <summary>
/// Records the terms two member countries signed. A pair has one agreement: while it is
/// in force (or will be) a second one is ALREADY_EXISTS; once it has ended, signing
/// again replaces its terms.
/// </summary>
public sealed class SignAgreement(IDocumentStore store, TimeProvider clock)
{
    public async Task<Stored<Agreement>> ExecuteAsync(SignAgreementCommand command, CancellationToken ct)
    {
        var agreement = Agreement.Sign(command.CountryCodes, command.CrossBorderCare, command.Shipment, command.ShipmentLeadDays,
            command.EffectiveFrom, command.EndsOn, clock.GetUtcNow());
        foreach (var code in agreement.CountryCodes)
        {
            await store.RequireMemberAsync(code, ct);
        }
        var changes = new ChangeSet();
        Stored<Agreement> stored;
        if (await store.FindAsync(RegistryCollections.Agreements, agreement.AgreementId, ct) is { } current)
        {
            if (current.Value.EndsOn is not { } ended || ended >= agreement.EffectiveFrom)
            {
                throw new AlreadyExistsException(
                    $"Agreement {current.Id} is in force until {(current.Value.EndsOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "further notice")}; end it before signing new terms.");
            }
            changes.Update(RegistryCollections.Agreements, current, agreement);
            stored = current with { Version = current.Version + 1, Value = agreement };
        }
        else
        {
            changes.Insert(RegistryCollections.Agreements, agreement.AgreementId, agreement);
            stored = Stored.Inserted(agreement.AgreementId, agreement);
        }
        await store.CommitAsync(changes.Raise(MemberEvents.AgreementChanged(stored), clock), ct);
        return stored;
    }
}
