using CarTConsortium.Procurement.Domain.Pools;
using Xunit;

namespace CarTConsortium.Procurement.Tests.Domain.Pools;

/// <summary>Largest-remainder shares of a short supply, case by case and over many generated cases.</summary>
public sealed class ProRataTests
{
    private static (string, int)[] Allocate(int supply, params (string Country, int Quantity)[] claims) =>
        [.. ProRata.Allocate([.. claims.Select(c => new Claim(c.Country, c.Quantity))], supply).Select(s => (s.CountryCode, s.Allocated))];

    [Fact]
    public void Exact_shares_need_no_remainder()
    {
        Assert.Equal([("KG", 10), ("KZ", 20), ("UZ", 20)], Allocate(50, ("KG", 20), ("KZ", 40), ("UZ", 40)));
    }

    [Fact]
    public void One_unit_left_goes_to_the_largest_remainder()
    {
        // 50 x 30/60 = 25 r 0, 50 x 20/60 = 16 r 40/60, 50 x 10/60 = 8 r 20/60: 49 placed, 1 left.
        Assert.Equal([("KZ", 25), ("UZ", 17), ("KG", 8)], Allocate(50, ("KZ", 30), ("UZ", 20), ("KG", 10)));
    }

    [Fact]
    public void Several_units_left_go_to_the_largest_remainders_in_turn()
    {
        // 3 x 1/7 = 0 r 3/7, 3 x 2/7 = 0 r 6/7, 3 x 4/7 = 1 r 5/7: 1 placed, 2 left, to UZ (6) and KZ (5).
        Assert.Equal([("KG", 0), ("UZ", 1), ("KZ", 2)], Allocate(3, ("KG", 1), ("UZ", 2), ("KZ", 4)));
    }

    [Fact]
    public void Equal_remainders_go_to_the_larger_commitment_first()
    {
        // Every remainder is 5/10: 3 placed by the floors, 2 left, to TJ (5 units) then KG (3).
        Assert.Equal([("UZ", 0), ("KG", 2), ("KZ", 0), ("TJ", 3)], Allocate(5, ("UZ", 1), ("KG", 3), ("KZ", 1), ("TJ", 5)));
    }

    [Fact]
    public void Equal_remainders_of_equal_commitments_go_by_country_code()
    {
        // Every remainder is 2/4: 2 left, to KG and KZ before TJ and UZ, whatever order they came in.
        Assert.Equal([("UZ", 0), ("TJ", 0), ("KZ", 1), ("KG", 1)], Allocate(2, ("UZ", 1), ("TJ", 1), ("KZ", 1), ("KG", 1)));
    }

    [Fact]
    public void Size_decides_before_code_and_code_only_among_equal_sizes()
    {
        // Every remainder is 5/10: 2 placed, 3 left, to KG and KZ (3 units, KG first by code), then AM, first of the 1-unit claims.
        Assert.Equal([("KZ", 2), ("UZ", 0), ("AM", 1), ("TJ", 0), ("KG", 2), ("BY", 0)],
            Allocate(5, ("KZ", 3), ("UZ", 1), ("AM", 1), ("TJ", 1), ("KG", 3), ("BY", 1)));
    }

    [Fact]
    public void A_supply_of_one_unit_goes_to_the_largest_claim()
    {
        Assert.Equal([("KG", 0), ("KZ", 1), ("UZ", 0)], Allocate(1, ("KG", 1), ("KZ", 3), ("UZ", 2)));
        Assert.Equal([("KG", 1), ("KZ", 0)], Allocate(1, ("KZ", 1), ("KG", 1)).OrderBy(a => a.Item1, StringComparer.Ordinal));
    }

    [Fact]
    public void No_supply_gives_nobody_anything()
    {
        Assert.Equal([("KZ", 0), ("UZ", 0)], Allocate(0, ("KZ", 3), ("UZ", 2)));
    }

    [Fact]
    public void Bad_claims_and_a_supply_that_is_not_short_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Allocate(1));
        Assert.Throws<ArgumentException>(() => Allocate(1, ("KZ", 3), ("UZ", 0)));
        Assert.Throws<ArgumentException>(() => Allocate(1, ("KZ", 3), ("KZ", 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Allocate(5, ("KZ", 3), ("UZ", 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Allocate(-1, ("KZ", 3), ("UZ", 2)));
    }

    [Fact]
    public void Over_many_generated_cases_the_shares_sum_to_the_supply_and_stay_within_a_unit_of_the_exact_share()
    {
        var random = new Random(20260401);
        for (var run = 0; run < 3_000; run++)
        {
            // Small quantities make equal remainders and ties common; large ones make them rare.
            var most = run % 3 == 0 ? 4 : run % 3 == 1 ? 60 : Commitment.MaxQuantity;
            var claims = RandomCountries(random, random.Next(1, 13)).Select(c => new Claim(c, random.Next(1, most + 1))).ToArray();
            var total = claims.Sum(c => (long)c.Quantity);
            var supply = (int)random.NextInt64(0, total);

            var shares = ProRata.Allocate(claims, supply);

            Assert.Equal(claims.Select(c => (c.CountryCode, c.Quantity)), shares.Select(s => (s.CountryCode, s.Requested)));
            Assert.Equal(supply, shares.Sum(s => s.Allocated));
            var exact = shares.Select(s => (Share: s, Floor: supply * (long)s.Requested / total, Remainder: supply * (long)s.Requested % total)).ToArray();
            foreach (var (share, floor, remainder) in exact)
            {
                // floor or, where the exact share is not whole, its ceiling; never above the claim.
                Assert.InRange(share.Allocated, floor, remainder == 0 ? floor : floor + 1);
                Assert.InRange(share.Allocated, 0, share.Requested);
            }
            // Whoever got a unit above the floor ranks before whoever did not: remainder, then size, then code.
            var topped = exact.Where(e => e.Share.Allocated > e.Floor).ToArray();
            var left = exact.Where(e => e.Share.Allocated == e.Floor).ToArray();
            Assert.All(topped, t => Assert.All(left, l => Assert.True(
                (t.Remainder, t.Share.Requested, -string.CompareOrdinal(t.Share.CountryCode, l.Share.CountryCode))
                    .CompareTo((l.Remainder, l.Share.Requested, 0)) > 0)));
        }
    }

    /// <summary><paramref name="count"/> distinct two-letter codes.</summary>
    internal static string[] RandomCountries(Random random, int count)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        while (codes.Count < count)
        {
            codes.Add($"{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}");
        }
        return [.. codes];
    }
}
