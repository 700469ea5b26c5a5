using System.Globalization;
using CarTConsortium.Contracts.Registry.V1;
using Google.Protobuf.WellKnownTypes;
using Money = Google.Type.Money;
using ProtoDate = Google.Type.Date;

namespace CarTConsortium.Portal.Charts;

/// <summary>Figures as people read them, in the current culture (the portal sets it per user).</summary>
internal static class Figures
{
    private static CultureInfo Culture => CultureInfo.CurrentCulture;

    public static string Percent(double fraction) => fraction.ToString("P1", Culture);

    /// <summary>"77.0% (70.1%–82.6%)": a value with its 95% interval.</summary>
    public static string WithInterval(double value, double lower, double upper) =>
        $"{Percent(value)} ({Percent(lower)}–{Percent(upper)})";

    public static string WithInterval(Estimate estimate) =>
        WithInterval(estimate.Value, estimate.Lower, estimate.Upper);

    public static string Count(int value) => value.ToString("N0", Culture);

    public static string Amount(Money money) =>
        (money.Units + money.Nanos / 1_000_000_000m).ToString("N2", Culture) + " " + money.CurrencyCode;

    public static string Date(ProtoDate? date) =>
        date is null || date.Year == 0
            ? string.Empty
            : new DateOnly(date.Year, date.Month, date.Day).ToString("d MMM yyyy", Culture);

    public static string Date(Timestamp? timestamp) =>
        timestamp is null ? string.Empty : timestamp.ToDateTimeOffset().ToString("d MMM yyyy", Culture);
}
