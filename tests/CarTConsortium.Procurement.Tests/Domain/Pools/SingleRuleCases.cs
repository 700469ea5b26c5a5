using CarTConsortium.BuildingBlocks.Errors;
using Xunit;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

/// <summary>
/// Named ways to break exactly one rule of a valid <typeparamref name="TDraft"/>, each with the
/// one field that must be reported, and the check that it is reported alone.
/// </summary>
internal sealed class SingleRuleCases<TDraft>(TDraft valid, Func<TDraft, IReadOnlyList<FieldViolation>> violations)
    : Dictionary<string, (Func<TDraft, TDraft> Break, string Field)>(StringComparer.Ordinal)
{
    public TheoryData<string> Names => new(Keys);

    public void AssertReportedOnItsFieldOnly(string name)
    {
        var (breakRule, field) = this[name];

        Assert.Equal([field], violations(breakRule(valid)).Select(v => v.Field));
    }
}
