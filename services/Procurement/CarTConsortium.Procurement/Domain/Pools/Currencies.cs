using System.Collections.Frozen;

namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// The ISO 4217 currencies a pool may be priced in, with their minor digits (the number of
/// decimal places a price may have: 2 for USD, 0 for JPY, 3 for KWD).
/// </summary>
/// <remarks>
/// Why a table and not .NET's culture data: every project here runs with
/// <c>InvariantGlobalization</c>, where <c>CultureInfo.GetCultures</c> returns the invariant
/// culture alone and <c>RegionInfo</c> knows no region, so the set of
/// <c>RegionInfo.ISOCurrencySymbol</c> would be empty; with ICU it would also depend on the
/// machine's ICU version and carries no minor digits. So the active codes of ISO 4217's
/// list one (as published in 2025) are written out here, with their minor units. Left out
/// on purpose: codes without minor units (precious metals XAU, XAG, XPT, XPD, the bond-market
/// units XBA-XBD, XDR, XSU, XUA) and the test codes XTS and XXX, since nobody is invoiced in
/// them, and withdrawn codes (HRK, SLL, ANG, CUC, ...).
/// </remarks>
public static class Currencies
{
    private const string NoMinorDigits = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
    private const string ThreeMinorDigits = "BHD IQD JOD KWD LYD OMR TND";
    private const string FourMinorDigits = "CLF UYW";
    private const string TwoMinorDigits =
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD " +
        "CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL " +
        "GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR " +
        "LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD " +
        "PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC " +
        "SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG";

    private static readonly FrozenDictionary<string, int> MinorDigitsByCode =
        new[] { (NoMinorDigits, 0), (TwoMinorDigits, 2), (ThreeMinorDigits, 3), (FourMinorDigits, 4) }
            .SelectMany(group => group.Item1.Split(' ').Select(code => KeyValuePair.Create(code, group.Item2)))
            .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every code of the table, for callers that list them.</summary>
    public static IReadOnlyCollection<string> Codes => MinorDigitsByCode.Keys;

    /// <summary>Whether <paramref name="code"/> is an active ISO 4217 code, exactly as written (upper case).</summary>
    public static bool IsKnown(string? code) => code is not null && MinorDigitsByCode.ContainsKey(code);

    /// <summary>How many decimal places an amount in <paramref name="code"/> may have.</summary>
    /// <exception cref="ArgumentException">The code is not in the table.</exception>
    public static int MinorDigits(string code) =>
        code is not null && MinorDigitsByCode.TryGetValue(code, out var digits)
            ? digits
            : throw new ArgumentException($"'{code}' is not an ISO 4217 currency code known here.", nameof(code));

    /// <summary>The violation text for a code that is not in the table.</summary>
    public const string UnknownCodeDescription = "must be an active ISO 4217 currency code in upper case, e.g. USD";
}
