namespace CarTConsortium.Slots.Domain.Allocation;

/// <summary>
/// What two member countries agreed, as the cross-border rules read it: care, shipment and
/// its lead time, and the days the agreement holds.
/// </summary>
public sealed record CountryAgreement(
    string AgreementId,
    IReadOnlyList<string> CountryCodes,
    bool CrossBorderCare,
    bool Shipment,
    int ShipmentLeadDays,
    DateOnly EffectiveFrom,
    DateOnly? EndsOn)
{
    public bool IsInForceOn(DateOnly day) => EffectiveFrom <= day && (EndsOn is null || day <= EndsOn);
}
