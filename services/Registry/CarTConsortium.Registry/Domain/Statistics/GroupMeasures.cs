namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>
/// What the consortium publishes about a group of patients. A rate is null when nobody is in its
/// denominator; a 1-year survival is null when nobody in the group was followed to a year.
/// </summary>
public sealed record GroupMeasures(
    int PatientsInfused,
    Estimate? CompleteRemission,
    Estimate? MrdNegativeRemission,
    Estimate? CrsGrade3OrMore,
    Estimate? IcansGrade3OrMore,
    Estimate? OverallSurvival1y,
    Estimate? EventFreeSurvival1y)
{
    /// <summary>The survival horizon, in days after the first infusion.</summary>
    public const int OneYear = 365;

    /// <summary>The grade (ASTCT consensus) from which CRS or ICANS counts as severe.</summary>
    public const int SevereGrade = 3;

    /// <summary>The Kaplan-Meier curve behind <see cref="OverallSurvival1y"/>; no points for no patients.</summary>
    public SurvivalCurve OverallSurvivalCurve { get; init; } = SurvivalCurve.None;

    /// <summary>The Kaplan-Meier curve behind <see cref="EventFreeSurvival1y"/>; no points for no patients.</summary>
    public SurvivalCurve EventFreeSurvivalCurve { get; init; } = SurvivalCurve.None;

    /// <summary>No patients: a count of zero and no figures.</summary>
    public static GroupMeasures None { get; } = new(0, null, null, null, null, null, null);

    /// <summary>
    /// Every measure of the group. Remission rates are over the patients whose response was assessed
    /// (an unassessed patient is not a failure); MRD negativity counts only within a remission;
    /// toxicity rates and survival are over every patient infused.
    /// </summary>
    public static GroupMeasures Of(IReadOnlyCollection<CaseSummary> cases)
    {
        var assessed = cases.Count(c => c.Response is not null);
        var overall = KaplanMeier.Fit(cases.Select(SurvivalEndpoints.OverallSurvival));
        var eventFree = KaplanMeier.Fit(cases.Select(SurvivalEndpoints.EventFreeSurvival));
        return new GroupMeasures(
            cases.Count,
            Proportion.Wilson(cases.Count(InRemission), assessed),
            Proportion.Wilson(cases.Count(c => InRemission(c) && c.MrdNegative), assessed),
            Proportion.Wilson(cases.Count(c => c.MaxCrsGrade >= SevereGrade), cases.Count),
            Proportion.Wilson(cases.Count(c => c.MaxIcansGrade >= SevereGrade), cases.Count),
            overall.EstimateAt(OneYear),
            eventFree.EstimateAt(OneYear))
        {
            OverallSurvivalCurve = SurvivalCurve.Of(overall),
            EventFreeSurvivalCurve = SurvivalCurve.Of(eventFree),
        };
    }

    /// <summary>The same measures from the group's tally (see <see cref="CellTally"/>): equal to <see cref="Of(IReadOnlyCollection{CaseSummary})"/> of its cases.</summary>
    public static GroupMeasures Of(CellTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        var overall = KaplanMeier.FromTallies(tally.OverallSurvival);
        var eventFree = KaplanMeier.FromTallies(tally.EventFreeSurvival);
        return new GroupMeasures(
            tally.Patients,
            Proportion.Wilson(tally.InRemission, tally.Assessed),
            Proportion.Wilson(tally.MrdNegativeRemission, tally.Assessed),
            Proportion.Wilson(tally.CrsSevere, tally.Patients),
            Proportion.Wilson(tally.IcansSevere, tally.Patients),
            overall.EstimateAt(OneYear),
            eventFree.EstimateAt(OneYear))
        {
            OverallSurvivalCurve = SurvivalCurve.Of(overall),
            EventFreeSurvivalCurve = SurvivalCurve.Of(eventFree),
        };
    }

    /// <summary>
    /// The measures as published: an estimate over fewer patients than a shown cell may have is left
    /// out, since it would show a small group (a CR rate over the 3 assessed of a cell of 6), and a
    /// curve stops before the first day on which fewer patients than that remain at risk.
    /// </summary>
    public GroupMeasures Published() => new(
        PatientsInfused,
        Publishable(CompleteRemission),
        Publishable(MrdNegativeRemission),
        Publishable(CrsGrade3OrMore),
        Publishable(IcansGrade3OrMore),
        Publishable(OverallSurvival1y),
        Publishable(EventFreeSurvival1y))
    {
        OverallSurvivalCurve = OverallSurvivalCurve.WhileAtRisk(StatisticsCube.MinimumCellSize),
        EventFreeSurvivalCurve = EventFreeSurvivalCurve.WhileAtRisk(StatisticsCube.MinimumCellSize),
    };

    private static Estimate? Publishable(Estimate? estimate) =>
        estimate is null || estimate.Denominator < StatisticsCube.MinimumCellSize ? null : estimate;

    internal static bool InRemission(CaseSummary c) =>
        c.Response is ResponseAtDay28.CompleteRemission or ResponseAtDay28.CompleteRemissionIncompleteRecovery;
}
