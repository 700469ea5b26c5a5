using CarTConsortium.Registry.Domain.Patients;

namespace CarTConsortium.Registry.Domain.Statistics;

/// <summary>What the statistics take from a patient's record.</summary>
public static class CaseSummaries
{
    /// <summary>The record as one case, or null when the patient has not been infused (yet).</summary>
    /// <remarks>
    /// Response is the day-28 assessment of the first infusion; toxicity the worst
    /// grade recorded; last contact the latest day anything was recorded (a death included),
    /// which is where survival is censored.
    /// </remarks>
    public static CaseSummary? Of(PatientRecord record)
    {
        if (record.Infusions.Count == 0)
        {
            return null;
        }
        var first = record.Infusions.MinBy(i => i.InfusedOn)!;
        // The first infusion's response: one after a re-infusion belongs to that one (as the record assigns it).
        var next = record.Infusions.Where(i => i.InfusedOn > first.InfusedOn).Select(i => (DateOnly?)i.InfusedOn).Min();
        var response = record.Outcomes
            .Where(o => o.OccurredOn >= first.InfusedOn && (next is null || o.OccurredOn <= next) && o.Detail is ResponseAssessment)
            .OrderBy(o => o.OccurredOn)
            .FirstOrDefault();
        var assessment = response?.Detail as ResponseAssessment;
        int Worst(ToxicityKind kind) => record.Outcomes.Select(o => o.Detail).OfType<Toxicity>().Where(t => t.Kind == kind).Select(t => t.Grade).DefaultIfEmpty(0).Max();
        DateOnly? FirstOf<T>() where T : OutcomeDetail => record.Outcomes.Where(o => o.Detail is T).Select(o => (DateOnly?)o.OccurredOn).Min();
        var lastContact = record.Infusions.Select(i => i.InfusedOn)
            .Concat(record.Outcomes.Select(o => o.OccurredOn))
            .Concat(record.Outcomes.Select(o => o.Detail).OfType<Toxicity>().Select(t => t.ResolvedOn).OfType<DateOnly>())
            .Max();
        return new CaseSummary(
            record.CountryCode,
            first.ProductId,
            first.InfusedOn,
            assessment?.Response switch
            {
                Day28Response.Cr => ResponseAtDay28.CompleteRemission,
                Day28Response.Cri => ResponseAtDay28.CompleteRemissionIncompleteRecovery,
                Day28Response.NoResponse => ResponseAtDay28.NoResponse,
                _ => null,
            },
            response?.OccurredOn,
            assessment?.MrdNegative ?? false,
            Worst(ToxicityKind.Crs),
            Worst(ToxicityKind.Icans),
            FirstOf<Relapse>(),
            FirstOf<Death>(),
            lastContact);
    }
}
