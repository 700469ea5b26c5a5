using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Patients;

namespace CarTConsortium.Registry.Statistics;

/// <summary>A published figure to read the consortium's against.</summary>
public sealed record Benchmark(string Source, int Patients, double CompleteRemission, double OverallSurvival1y);

/// <summary>
/// The consortium statistics use case: every active (consented) record with an infusion
/// becomes a <see cref="CaseSummary"/>, the whole cube is built and suppressed once, and
/// the request gets its slice of it.
/// </summary>
/// <remarks>
/// The cube is rebuilt per request from all records; at registry scale (thousands of
/// patients) that is a few milliseconds of work and never stale.
/// </remarks>
public sealed class ConsortiumStatistics(IDocumentStore store, TimeProvider clock)
{
    /// <summary>The review paper's registry benchmark (CIBMTR, tisagenlecleucel in children and young adults).</summary>
    public static readonly Benchmark Cibmtr = new("CIBMTR registry, tisagenlecleucel, r/r B-ALL (review paper)", 255, 0.855, 0.77);

    public async Task<(StatisticsSlice Slice, DateTimeOffset ComputedAt)> GetAsync(IReadOnlyList<Dimension?> groupBy, string? countryCode, string? productId,
        int year, CancellationToken ct)
    {
        var validator = new Validator();
        for (var i = 0; i < groupBy.Count; i++)
        {
            validator.Check(groupBy[i] is not null, $"group_by[{i}]", "must be COUNTRY, PRODUCT or YEAR");
        }
        if (!string.IsNullOrEmpty(countryCode))
        {
            validator.CountryCode(countryCode, "country_code");
        }
        if (!string.IsNullOrEmpty(productId))
        {
            validator.Slug(productId, "product_id");
        }
        validator.Check(year == 0 || year is >= 2000 and <= 2100, "year", "must be a calendar year (2000-2100), or 0 for every year");
        validator.ThrowIfInvalid();

        var active = await store.QueryAllAsync(PatientRecord.Collection, DocumentQuery.All.WhereKey(PatientRecord.ActiveKey, PatientRecord.Yes), ct);
        var cases = active.Select(p => CaseSummaries.Of(p.Value)).OfType<CaseSummary>().ToList();
        var slice = StatisticsCube.Build(cases).Slice(groupBy.OfType<Dimension>().ToHashSet(),
            string.IsNullOrEmpty(countryCode) ? null : countryCode,
            string.IsNullOrEmpty(productId) ? null : productId,
            year == 0 ? null : year);
        return (slice, clock.GetUtcNow());
    }
}

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
