using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Storage;

namespace CarTConsortium.Slots.ReadModels;

/// <summary>
/// What two member countries agreed, as slots needs it for cross-border bookings: care,
/// shipment and its lead time, and the days the agreement holds. Learned from AgreementChanged.
/// </summary>
public sealed record KnownAgreement(
    string AgreementId,
    IReadOnlyList<string> CountryCodes,
    bool CrossBorderCare,
    bool Shipment,
    int ShipmentLeadDays,
    DateOnly EffectiveFrom,
    DateOnly? EndsOn,
    long RegistryVersion)
{
    /// <summary>The agreement as the allocation rules read it.</summary>
    public CountryAgreement ToAgreement() => new(AgreementId, CountryCodes, CrossBorderCare, Shipment, ShipmentLeadDays, EffectiveFrom, EndsOn);
}

public sealed class AgreementProjection(IDocumentStore store) : IEventHandler<AgreementChanged>
{
    public async Task HandleAsync(AgreementChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent.Agreement is not { AgreementId.Length: > 0, CountryCodes.Count: 2, EffectiveFrom: not null } agreement)
        {
            throw new PoisonEventException("AgreementChanged carries no agreement id, pair of countries or effective date.");
        }
        var incoming = new KnownAgreement(agreement.AgreementId, [.. agreement.CountryCodes], agreement.CrossBorderCare, agreement.Shipment,
            agreement.ShipmentLeadDays, ToDay(agreement.EffectiveFrom), agreement.EndsOn is { Year: > 0 } ends ? ToDay(ends) : null,
            agreement.Revision?.Version ?? 0);
        await context.UpsertNewerAsync(store, SlotsCollections.KnownAgreements, incoming.AgreementId, incoming, a => a.RegistryVersion, ct);
    }

    private static DateOnly ToDay(Google.Type.Date date)
    {
        try
        {
            return new DateOnly(date.Year, date.Month, date.Day);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new PoisonEventException("AgreementChanged carries a date that is not a calendar day.");
        }
    }
}
