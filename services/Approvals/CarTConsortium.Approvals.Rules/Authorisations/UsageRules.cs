using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Approvals.Authorisations;

/// <summary>
/// The usage question, checked: may <see cref="ProductId"/> be used for a patient of
/// <see cref="AgeYears"/> with <see cref="Indication"/> at <see cref="InstitutionId"/> in
/// <see cref="CountryCode"/> on <see cref="Date"/>?
/// </summary>
/// <param name="Indication">Trimmed.</param>
public sealed record UsageQuestion(string ProductId, string CountryCode, int AgeYears, string Indication, string InstitutionId, DateOnly Date);

/// <summary>
/// Whether one authorisation allows a use. The caller finds the candidates (every
/// authorisation of the product in the country, and each reliance's reference); this
/// says, for each, every reason it does not allow the use: short sentences a clinician
/// can act on, several at once when several apply. Approvals' CheckUsage and slots'
/// bookings both answer with it, so they cannot disagree.
/// </summary>
public static class UsageRules
{
    public const int MaxAgeYears = ScopeRules.MaxAgeYears;
    public const int MaxIndicationLength = ScopeRules.MaxIndicationLength;

    /// <summary>The checked question.</summary>
    /// <param name="countryCode">ISO 3166-1 alpha-2 in upper case; an authorisation's jurisdiction must be exactly it.</param>
    /// <exception cref="InvalidArgumentException">Every bad field at once, named as in CheckUsageRequest.</exception>
    public static UsageQuestion Check(string? productId, string? countryCode, int ageYears, string? indication, string? institutionId, DateParts? date)
    {
        var trimmed = indication?.Trim() ?? "";
        var validator = new Validator()
            .Slug(productId, "product_id")
            .CountryCode(countryCode, "country_code")
            .Check(ageYears is >= 0 and <= MaxAgeYears, "age_years", $"must be 0-{MaxAgeYears}")
            .Required(trimmed, "indication")
            .MaxLength(trimmed, MaxIndicationLength, "indication")
            .Slug(institutionId, "institution_id");
        var day = validator.CalendarDay(date, "date");
        validator.ThrowIfInvalid();
        return new UsageQuestion(productId!, countryCode!, ageYears, trimmed, institutionId!, day!.Value);
    }

    /// <summary>
    /// Every reason <paramref name="candidate"/> does not allow the use in
    /// <paramref name="question"/>; empty when it allows it.
    /// </summary>
    /// <param name="reference">
    /// For a reliance: the authorisation named by its <see cref="AuthorisationTerms.ReferenceAuthorisationId"/>,
    /// or null when it is not tracked. Ignored for other pathways (it must then be null).
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="reference"/> is not the one the candidate names.</exception>
    public static IReadOnlyList<string> ReasonsAgainst(AuthorisationTerms candidate, UsageQuestion question, AuthorisationTerms? reference)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(question);
        if (reference is not null && !string.Equals(reference.AuthorisationId, candidate.ReferenceAuthorisationId, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Authorisation {candidate.AuthorisationId} names no reference {reference.AuthorisationId}.", nameof(reference));
        }
        var reasons = new List<string>();
        var day = question.Date;
        if (!string.Equals(candidate.ProductId, question.ProductId, StringComparison.Ordinal))
        {
            reasons.Add($"It authorises {candidate.ProductId}, not {question.ProductId}.");
        }
        if (!string.Equals(candidate.Jurisdiction, question.CountryCode, StringComparison.Ordinal))
        {
            reasons.Add($"It applies in {candidate.Jurisdiction}, not in {question.CountryCode}.");
        }
        if (!AuthorisationStanding.IsApproval(candidate.Status))
        {
            reasons.Add($"It {Standing(candidate.Status)}.");
        }
        if (!AuthorisationStanding.AllowsUse(candidate.Pathway))
        {
            reasons.Add("It is a breakthrough designation: it speeds review but allows no use by itself.");
        }
        if (candidate.EffectiveOn is { } from && day < from)
        {
            reasons.Add($"It takes effect on {Text.Day(from)}, after {Text.Day(day)}.");
        }
        if (candidate.ExpiresOn is { } last && day > last)
        {
            reasons.Add($"It held until {Text.Day(last)}, before {Text.Day(day)}.");
        }
        var scope = candidate.Scope;
        if (question.AgeYears < scope.MinAgeYears)
        {
            reasons.Add($"It covers patients from {scope.MinAgeYears} years of age; the patient is {question.AgeYears}.");
        }
        if (scope.MaxAgeYears is { } oldest && question.AgeYears > oldest)
        {
            reasons.Add($"It covers patients up to {oldest} years of age; the patient is {question.AgeYears}.");
        }
        if (!scope.CoversIndication(question.Indication))
        {
            reasons.Add($"It covers {scope.Indication}, not {question.Indication.Trim()}.");
        }
        if (ScopeRules.NamesInstitutions(candidate.Pathway) && !scope.InstitutionIds.Contains(question.InstitutionId, StringComparer.Ordinal))
        {
            reasons.Add($"It covers use at {string.Join(", ", scope.InstitutionIds)} only, not at {question.InstitutionId}.");
        }
        if (candidate.Pathway == Pathway.Reliance)
        {
            AddRelianceReasons(candidate, question, reference, reasons);
        }
        return reasons;
    }

    /// <summary>
    /// Every candidate with its reasons against the use, in pathway order (the order
    /// CheckUsage lists them in). The use is allowed when some candidate has no reason.
    /// </summary>
    /// <param name="referenceById">
    /// A reliance's reference by its id, or null when it is not tracked; asked only for
    /// candidates that name one.
    /// </param>
    public static IReadOnlyList<(AuthorisationTerms Candidate, IReadOnlyList<string> Reasons)> Verdicts(
        IEnumerable<AuthorisationTerms> candidates, UsageQuestion question, Func<string, AuthorisationTerms?> referenceById)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(referenceById);
        return [.. candidates
            .OrderBy(c => c.Pathway)
            .Select(c => (c, ReasonsAgainst(c, question, c.ReferenceAuthorisationId is { } id ? referenceById(id) : null)))];
    }

    private static void AddRelianceReasons(AuthorisationTerms candidate, UsageQuestion question, AuthorisationTerms? reference, List<string> reasons)
    {
        var named = candidate.ReferenceAuthorisationId ?? "no reference";
        if (reference is null)
        {
            reasons.Add($"It relies on {named}, which is not tracked here.");
            return;
        }
        if (!string.Equals(reference.ProductId, question.ProductId, StringComparison.Ordinal))
        {
            reasons.Add($"It relies on {named}, which authorises another product ({reference.ProductId}).");
        }
        if (!AuthorisationStanding.IsApproval(reference.Status))
        {
            reasons.Add($"It relies on {named}, which {Standing(reference.Status)}.");
        }
        if (!AuthorisationStanding.AllowsUse(reference.Pathway))
        {
            reasons.Add($"It relies on {named}, a breakthrough designation, which allows no use.");
        }
        if (reference.EffectiveOn is { } from && question.Date < from)
        {
            reasons.Add($"It relies on {named}, which takes effect only on {Text.Day(from)}.");
        }
        if (reference.ExpiresOn is { } last && question.Date > last)
        {
            reasons.Add($"It relies on {named}, which held until {Text.Day(last)} only.");
        }
    }

    /// <summary>Where a status that allows no use leaves an authorisation, as the end of a sentence.</summary>
    private static string Standing(AuthorisationStatus status) => status switch
    {
        AuthorisationStatus.Planned => "is only planned: nothing is submitted yet",
        AuthorisationStatus.Submitted => "is submitted and not yet decided",
        AuthorisationStatus.UnderReview => "is under review and not yet decided",
        AuthorisationStatus.Rejected => "was rejected",
        AuthorisationStatus.Withdrawn => "was withdrawn",
        AuthorisationStatus.Suspended => "is suspended",
        AuthorisationStatus.Expired => "has expired",
        _ => $"is {Text.Words(status.ToString())}",
    };
}
