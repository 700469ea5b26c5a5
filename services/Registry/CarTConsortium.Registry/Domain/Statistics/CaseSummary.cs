namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>The response assessed around day 28 after the first infusion.</summary>
public enum ResponseAtDay28
{
    CompleteRemission,
    CompleteRemissionIncompleteRecovery,
    NoResponse,
}

/// <summary>
/// One infused patient as the statistics see them. ProductId is the product of the first infusion.
/// Only consented, pseudonymised patients reach the statistics; the registry refuses impossible dates
/// (an outcome before the first infusion) on entry, and the survival estimators refuse them again.
/// </summary>
public sealed record CaseSummary(
    string Country, string ProductId, DateOnly FirstInfusion,
    ResponseAtDay28? Response, DateOnly? ResponseAssessedOn, bool MrdNegative,
    int MaxCrsGrade, int MaxIcansGrade,
    DateOnly? RelapsedOn, DateOnly? DiedOn, DateOnly LastContact);
