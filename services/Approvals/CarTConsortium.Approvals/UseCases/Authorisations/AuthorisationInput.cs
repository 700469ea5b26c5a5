using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>Input rules that several authorisation use cases share, and the days they count from.</summary>
internal static class AuthorisationInput
{
    /// <summary>A change of a tracked authorisation names it, the revision it was based on, and why.</summary>
    /// <returns>The trimmed reason.</returns>
    public static string CheckChange(string authorisationId, long expectedRevision, string? reason)
    {
        var validator = new Validator()
            .Required(authorisationId, "authorisation_id")
            .CheckExpectedRevision(expectedRevision);
        var why = Authorisation.CheckReason(reason, required: true, validator);
        validator.ThrowIfInvalid();
        return why;
    }

    /// <summary>An optional enum filter: none (UNSPECIFIED) is no filter; a number the service does not know is INVALID_ARGUMENT on <paramref name="field"/>.</summary>
    public static void CheckFilter<TEnum>(TEnum? filter, string field) where TEnum : struct, Enum =>
        new Validator().Check(filter is not { } value || Enum.IsDefined(value), field, "is not a value this service knows").ThrowIfInvalid();

    /// <summary>An ISO 3166-1 alpha-2 code in upper case, or EU, when given.</summary>
    public static Validator OptionalJurisdiction(this Validator validator, string? code, string field) =>
        string.IsNullOrEmpty(code) ? validator : validator.Check(Authorisation.IsJurisdiction(code), field, Authorisation.JurisdictionRule);

    /// <summary>The UTC day: when approvals expire and what the matrix and renewals count from.</summary>
    public static DateOnly Today(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>For "not in the future": an officer in Almaty recording today's decision at 02:00 local time must not be told it is tomorrow.</summary>
    public static DateOnly LatestToday(this TimeProvider clock) => CalendarDays.LatestToday(clock.GetUtcNow());
}
