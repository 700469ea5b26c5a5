using System.Security.Cryptography;
using System.Text;

namespace CarTConsortium.Slots.Domain.Waitlist;

/// <summary>
/// The secret seed of one period's waitlist lottery (a calendar month, "yyyy-MM"). While the
/// period is open only its commitment, SHA-256 of the seed, is shown; once it has closed the
/// seed is shown too, and anyone can check that it matches the commitment and recompute
/// every draw of the period (<see cref="LotteryDraw"/>).
/// </summary>
/// <param name="Seed">32 random bytes, in lower-case hex.</param>
/// <param name="Commitment">SHA-256 of the seed's bytes, in lower-case hex.</param>
public sealed record LotterySeed(string Period, string Seed, string Commitment)
{
    public const int SeedBytes = 32;

    /// <summary>A seed of fresh random bytes for <paramref name="period"/>.</summary>
    public static LotterySeed New(string period) => Of(period, RandomNumberGenerator.GetBytes(SeedBytes));

    public static LotterySeed Of(string period, byte[] seed)
    {
        ArgumentException.ThrowIfNullOrEmpty(period);
        ArgumentOutOfRangeException.ThrowIfNotEqual(seed.Length, SeedBytes);
        return new LotterySeed(period, Convert.ToHexStringLower(seed), Convert.ToHexStringLower(SHA256.HashData(seed)));
    }

    /// <summary>Whether the seed may be shown: its period closed before <paramref name="currentPeriod"/>.</summary>
    public bool IsRevealedIn(string currentPeriod) => string.CompareOrdinal(Period, currentPeriod) < 0;

    /// <summary>The draw of a patient for a product: HMAC-SHA256(key = the seed's bytes, message = "pseudonym|product" in UTF-8), in lower-case hex.</summary>
    public string DrawFor(string pseudonym, string productId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromHexString(Seed), Encoding.UTF8.GetBytes(LotteryDraw.MessageOf(pseudonym, productId))));
}

/// <summary>
/// A patient's lottery draw for a product: made at the patient's first request for it, with
/// the seed of that request's period, and kept. Every later request of the patient for the
/// product (after a withdrawal, a lapse, a cancellation) reuses it, so withdrawing and asking
/// again never draws anew.
/// </summary>
/// <param name="Key">"pseudonym|product" (<see cref="MessageOf"/>): the document's id.</param>
/// <param name="Draw">The HMAC in lower-case hex; the lower goes first among equals.</param>
public sealed record LotteryDraw(string Key, string Pseudonym, string ProductId, string Period, string Draw, DateTimeOffset DrawnAt)
{
    public static string MessageOf(string pseudonym, string productId) => $"{pseudonym}|{productId}";

    public static LotteryDraw Make(LotterySeed seed, string pseudonym, string productId, DateTimeOffset now) =>
        new(MessageOf(pseudonym, productId), pseudonym, productId, seed.Period, seed.DrawFor(pseudonym, productId), now);
}
