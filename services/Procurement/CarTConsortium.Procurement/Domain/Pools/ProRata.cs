namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>One claim on a short supply: who, and how many units they asked for.</summary>
public sealed record Claim(string CountryCode, int Quantity);

/// <summary>The units one claimant gets of a short supply.</summary>
public sealed record Share(string CountryCode, int Requested, int Allocated);

/// <summary>
/// Whole units of a short supply shared in proportion to the claims, by largest remainder
/// (Hamilton's method), exactly in integers.
/// </summary>
public static class ProRata
{
    /// <summary>
    /// Shares <paramref name="supply"/> units among <paramref name="claims"/> that together ask
    /// for more (total T &gt; supply = S):
    /// <list type="number">
    /// <item>each claim i of q_i units gets floor(S x q_i / T) units;</item>
    /// <item>the units left, S minus the sum of those floors, go one each to the claims with the
    /// largest remainders (S x q_i) mod T, compared as integers: no fraction is ever formed;</item>
    /// <item>equal remainders go to the larger claim first, then to the country code first in
    /// ordinal order.</item>
    /// </list>
    /// The shares sum to S exactly. The units left are fewer than the claims with a non-zero
    /// remainder (the remainders sum to (units left) x T, and each is below T), so only such a
    /// claim gets one, and it gets at most one: every share is floor or ceiling of the exact
    /// share S x q_i / T, and never more than the claim (the exact share is below q_i).
    /// </summary>
    /// <returns>One share per claim, in the order of <paramref name="claims"/>.</returns>
    /// <exception cref="ArgumentException">No claim, a claim below 1 unit, a country twice, or a supply not below the total claimed.</exception>
    public static IReadOnlyList<Share> Allocate(IReadOnlyList<Claim> claims, int supply)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (claims.Count == 0 || claims.Any(c => c.Quantity < 1))
        {
            throw new ArgumentException("Every claim asks for at least one unit, and there is at least one.", nameof(claims));
        }
        if (claims.DistinctBy(c => c.CountryCode, StringComparer.Ordinal).Count() != claims.Count)
        {
            throw new ArgumentException("A country claims at most once.", nameof(claims));
        }
        var total = claims.Sum(c => (long)c.Quantity);
        if (supply < 0 || supply >= total)
        {
            throw new ArgumentOutOfRangeException(nameof(supply), supply, $"The supply must be at least 0 and below the {total} units claimed.");
        }

        // S x q_i fits a long with room to spare: both are ints.
        var exact = claims.Select(c => (Claim: c, Floor: (int)(supply * (long)c.Quantity / total), Remainder: supply * (long)c.Quantity % total)).ToArray();
        var left = supply - exact.Sum(e => e.Floor);
        var extra = exact
            .OrderByDescending(e => e.Remainder)
            .ThenByDescending(e => e.Claim.Quantity)
            .ThenBy(e => e.Claim.CountryCode, StringComparer.Ordinal)
            .Take(left)
            .Select(e => e.Claim.CountryCode)
            .ToHashSet(StringComparer.Ordinal);
        return [.. exact.Select(e => new Share(e.Claim.CountryCode, e.Claim.Quantity, e.Floor + (extra.Contains(e.Claim.CountryCode) ? 1 : 0)))];
    }
}
