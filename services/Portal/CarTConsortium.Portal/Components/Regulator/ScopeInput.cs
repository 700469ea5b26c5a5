using CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Portal.Components.Regulator;

/// <summary>A scope as typed: the institution ids in one text input, separated by commas or spaces.</summary>
public static class ScopeInput
{
    private static readonly char[] Separators = [',', ' ', ';', '\n'];

    public static Scope Of(string indication, int minAgeYears, int maxAgeYears, string institutionIds) => new()
    {
        Indication = indication.Trim(),
        MinAgeYears = minAgeYears,
        MaxAgeYears = maxAgeYears,
        InstitutionIds = { institutionIds.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
    };
}
