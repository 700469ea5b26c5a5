using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Approvals.Authorisations;

/// <summary>
/// Who, and for what, an authorisation allows use: one indication, an inclusive age range
/// in whole years and, for a hospital exemption or a clinical trial, the institutions it
/// covers. Two scopes are equal when every part is, the institutions compared in order
/// (they are kept in ordinal order, see <see cref="ScopeRules.Check"/>).
/// </summary>
/// <param name="Indication">Trimmed; compared with a question's without regard to case.</param>
/// <param name="MaxAgeYears">Null when there is no upper bound (0 in the contract).</param>
/// <param name="InstitutionIds">Registry institution ids, in ordinal order, without duplicates.</param>
public sealed record Scope(string Indication, int MinAgeYears, int? MaxAgeYears, IReadOnlyList<string> InstitutionIds)
{
    /// <summary>Whether <paramref name="indication"/> is this scope's, ignoring case and surrounding spaces.</summary>
    public bool CoversIndication(string indication) =>
        string.Equals(Indication.Trim(), indication?.Trim(), StringComparison.OrdinalIgnoreCase);

    public bool Equals(Scope? other) =>
        other is not null
        && string.Equals(Indication, other.Indication, StringComparison.Ordinal)
        && MinAgeYears == other.MinAgeYears
        && MaxAgeYears == other.MaxAgeYears
        && (InstitutionIds ?? []).SequenceEqual(other.InstitutionIds ?? [], StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Indication, StringComparer.Ordinal);
        hash.Add(MinAgeYears);
        hash.Add(MaxAgeYears);
        foreach (var id in InstitutionIds ?? [])
        {
            hash.Add(id, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }
}

/// <summary>A scope as a request carries it, not yet checked.</summary>
/// <param name="MaxAgeYears">0 for no upper bound, as in the contract.</param>
public sealed record ScopeInput(string? Indication, int MinAgeYears, int MaxAgeYears, IReadOnlyList<string>? InstitutionIds);

/// <summary>The input rules of a scope, shared by recording and amending.</summary>
public static class ScopeRules
{
    public const int MaxIndicationLength = 100;
    public const int MaxAgeYears = 120;
    public const int MaxInstitutions = 100;

    /// <summary>Whether an authorisation under <paramref name="pathway"/> names the institutions it covers.</summary>
    public static bool NamesInstitutions(Pathway pathway) => pathway is Pathway.HospitalExemption or Pathway.ClinicalTrial;

    /// <summary>
    /// The checked scope, or null with violations on the <c>scope.*</c> fields. A null
    /// <paramref name="input"/> is an empty scope (so its indication is reported missing).
    /// The institutions are kept in ordinal order: they are a set. When
    /// <paramref name="pathway"/> is null (itself reported), the rules that depend on it are skipped.
    /// </summary>
    public static Scope? Check(ScopeInput? input, Pathway? pathway, Validator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        input ??= new ScopeInput(null, 0, 0, null);
        var indication = input.Indication?.Trim() ?? "";
        var ids = input.InstitutionIds ?? [];
        var valid = true;
        void Rule(bool condition, string field, string description)
        {
            if (!condition)
            {
                valid = false;
                validator.Check(false, field, description);
            }
        }

        Rule(indication.Length > 0, "scope.indication", "is required");
        Rule(indication.Length <= MaxIndicationLength, "scope.indication", $"must be at most {MaxIndicationLength} characters");
        var minValid = input.MinAgeYears is >= 0 and <= MaxAgeYears;
        Rule(minValid, "scope.min_age_years", $"must be 0-{MaxAgeYears}");
        var lowest = minValid ? input.MinAgeYears : 0;
        Rule(input.MaxAgeYears == 0 || (input.MaxAgeYears >= lowest && input.MaxAgeYears <= MaxAgeYears), "scope.max_age_years",
            $"must be 0 (no upper bound) or from min_age_years to {MaxAgeYears}");
        if (pathway is { } named && !NamesInstitutions(named))
        {
            Rule(ids.Count == 0, "scope.institution_ids", "must be empty: only a hospital exemption or a clinical trial names institutions");
        }
        else
        {
            Rule(pathway is null || ids.Count > 0, "scope.institution_ids", "must name at least one institution for a hospital exemption or a clinical trial");
            Rule(ids.Count <= MaxInstitutions, "scope.institution_ids", $"must name at most {MaxInstitutions} institutions");
            for (var i = 0; i < ids.Count && i < MaxInstitutions; i++)
            {
                var first = IndexOf(ids, ids[i]);
                Rule(first == i, $"scope.institution_ids[{i}]", $"repeats scope.institution_ids[{first}]");
                if (first == i && !new Validator().Slug(ids[i], "").IsValid)
                {
                    valid = false;
                    validator.Slug(ids[i], $"scope.institution_ids[{i}]");
                }
            }
        }
        return valid
            ? new Scope(indication, input.MinAgeYears, input.MaxAgeYears == 0 ? null : input.MaxAgeYears, [.. ids.Order(StringComparer.Ordinal)])
            : null;
    }

    private static int IndexOf(IReadOnlyList<string> ids, string id)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.Equals(ids[i], id, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
