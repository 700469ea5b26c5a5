namespace CarTConsortium.Procurement.Domain.Pools;

public enum SavingsBasis
{
    Final,
    Projected,
    None,
}

/// <summary>What <see cref="Pool.Savings"/> says, before it is cut down to what the caller may see.</summary>
/// <param name="Countries">Every country that gets (or would get) units, by code.</param>
public sealed record SavingsReport(SavingsBasis Basis, string Currency, Money? UnitPrice, Savings? Pool, IReadOnlyList<CountryOutcome> Countries, string Note)
{
    public static SavingsReport None(string currency, string note) => new(SavingsBasis.None, currency, null, null, [], note);

    /// <summary>The report as <paramref name="viewer"/> may see it: the pool's figures, and of the countries only those they see.</summary>
    public SavingsReport SeenBy(PoolViewer viewer) => this with { Countries = [.. Countries.Where(c => viewer.Sees(c.CountryCode))] };
}
