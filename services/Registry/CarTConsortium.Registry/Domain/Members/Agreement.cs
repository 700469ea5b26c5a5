using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Registry.Domain.Members;

/// <summary>
/// What two member countries agreed on: their patients may be treated at each other's
/// institutions (cross-border care), and cells and product may travel between them
/// (shipment). One agreement per pair of countries: its id is the pair ("KG-KZ"); signing
/// again after it ended replaces its terms, so the pair's current terms are always one read.
/// </summary>
/// <param name="CountryCodes">The two countries, in ordinal order.</param>
public sealed record Agreement(
    string AgreementId,
    IReadOnlyList<string> CountryCodes,
    bool CrossBorderCare,
    bool Shipment,
    int ShipmentLeadDays,
    DateOnly EffectiveFrom,
    DateOnly? EndsOn,
    DateTimeOffset SignedAt)
{
    public const int MaxShipmentLeadDays = 60;

    public static string IdOf(string first, string second) =>
        string.CompareOrdinal(first, second) <= 0 ? $"{first}-{second}" : $"{second}-{first}";

    /// <summary>Whether the agreement holds on <paramref name="day"/>.</summary>
    public bool IsInForceOn(DateOnly day) => EffectiveFrom <= day && (EndsOn is null || day <= EndsOn);

    public static Agreement Sign(IReadOnlyList<string> countryCodes, bool crossBorderCare, bool shipment, int shipmentLeadDays,
        DateParts? effectiveFrom, DateParts? endsOn, DateTimeOffset now)
    {
        var validator = new Validator();
        var codes = countryCodes ?? [];
        validator.Check(codes.Count == 2, "country_codes", "must name exactly two countries");
        for (var i = 0; i < codes.Count; i++)
        {
            validator.CountryCode(codes[i], $"country_codes[{i}]");
        }
        if (codes.Count == 2)
        {
            validator.Check(codes[0] != codes[1], "country_codes", "must name two different countries");
        }
        validator.Check(crossBorderCare || shipment, "cross_border_care", "an agreement covers cross-border care, shipment or both");
        if (shipment)
        {
            validator.Check(shipmentLeadDays is >= 1 and <= MaxShipmentLeadDays, "shipment_lead_days", $"must be 1 to {MaxShipmentLeadDays} days when shipment is covered");
        }
        else
        {
            validator.Check(shipmentLeadDays == 0, "shipment_lead_days", "must be 0 when shipment is not covered");
        }
        var from = validator.CalendarDay(effectiveFrom, "effective_from");
        var ends = validator.CalendarDay(endsOn, "ends_on", required: false);
        if (from is not null && ends is not null)
        {
            validator.Check(ends >= from, "ends_on", "must not be before effective_from");
        }
        validator.ThrowIfInvalid();
        var ordered = codes.Order(StringComparer.Ordinal).ToArray();
        return new Agreement(IdOf(ordered[0], ordered[1]), ordered, crossBorderCare, shipment, shipmentLeadDays, from!.Value, ends, now);
    }

    /// <summary>The agreement with its last day set; an agreement that has already ended stays ended.</summary>
    public Agreement End(DateParts? endsOn, DateOnly today)
    {
        var validator = new Validator();
        var ends = validator.CalendarDay(endsOn, "ends_on");
        if (ends is not null)
        {
            validator.Check(ends >= EffectiveFrom, "ends_on", $"must not be before the agreement took effect ({EffectiveFrom:yyyy-MM-dd})");
        }
        validator.ThrowIfInvalid();
        if (EndsOn is { } ended && ended < today)
        {
            throw new RuleViolationException($"Agreement {AgreementId} already ended on {ended:yyyy-MM-dd}.");
        }
        return this with { EndsOn = ends };
    }
}
