using System.Globalization;
using CarTConsortium.BuildingBlocks.Errors;
using Contract = CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Approvals.Authorisations;

/// <summary>
/// The rules' types in and out of consortium.approvals.v1: approvals' mapping and every
/// subscriber of AuthorisationChanged convert the same way.
/// </summary>
public static class AuthorisationContract
{
    /// <summary>A contract enum number as the domain's (numbered alike), or null for UNSPECIFIED and numbers the domain does not know.</summary>
    public static TDomain? EnumOf<TDomain>(int value) where TDomain : struct, Enum =>
        Enum.IsDefined(typeof(TDomain), value) ? (TDomain)(object)value : null;

    /// <summary>No upper age is 0 in the contract.</summary>
    public static Contract.Scope ToContract(Scope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new Contract.Scope
        {
            Indication = scope.Indication,
            MinAgeYears = scope.MinAgeYears,
            MaxAgeYears = scope.MaxAgeYears ?? 0,
            InstitutionIds = { scope.InstitutionIds },
        };
    }

    /// <summary>
    /// The terms of an authorisation as approvals publishes it. An empty reference is none;
    /// an unset or all-zero date is none.
    /// </summary>
    /// <exception cref="FormatException">
    /// No scope; a pathway or status that is UNSPECIFIED or unknown here; a date that is not
    /// a whole calendar day. Guessing would risk allowing a use that approvals would refuse.
    /// </exception>
    public static AuthorisationTerms FromContract(Contract.Authorisation contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var id = contract.AuthorisationId;
        var scope = contract.Scope ?? throw new FormatException($"Authorisation {id} carries no scope.");
        return new AuthorisationTerms(
            id,
            contract.ProductId,
            contract.Jurisdiction,
            Known<Pathway>((int)contract.Pathway, "pathway", id),
            Known<AuthorisationStatus>((int)contract.Status, "status", id),
            new Scope(scope.Indication, scope.MinAgeYears, scope.MaxAgeYears == 0 ? null : scope.MaxAgeYears, [.. scope.InstitutionIds]),
            contract.ReferenceAuthorisationId is { Length: > 0 } reference ? reference : null,
            DayOf(contract.EffectiveOn, "effective_on", id),
            DayOf(contract.ExpiresOn, "expires_on", id));
    }

    private static TDomain Known<TDomain>(int value, string field, string id) where TDomain : struct, Enum =>
        EnumOf<TDomain>(value) ?? throw new FormatException(
            $"Authorisation {id}: {field} {value.ToString(CultureInfo.InvariantCulture)} is not a {typeof(TDomain).Name} these rules know.");

    private static DateOnly? DayOf(Google.Type.Date? date, string field, string id)
    {
        if (date is null or { Year: 0, Month: 0, Day: 0 })
        {
            return null;
        }
        return new Validator().CalendarDay(new DateParts(date.Year, date.Month, date.Day), field)
            ?? throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"Authorisation {id}: {field} {date.Year:0000}-{date.Month:00}-{date.Day:00} is not a calendar day."));
    }
}
