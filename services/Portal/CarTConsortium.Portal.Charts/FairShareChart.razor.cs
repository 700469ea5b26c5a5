using CarTConsortium.Contracts.Slots.V1;
using Microsoft.AspNetCore.Components;

namespace CarTConsortium.Portal.Charts;

/// <summary>
/// A manufacturing site's fair shares in one period: per country the places guaranteed, used and
/// still free, the places guaranteed to no country, and when unused shares open to all.
/// </summary>
public partial class FairShareChart
{
    internal const double Width = 640;
    internal const double Left = 64;
    internal const double Right = 120;
    internal const double Top = 12;
    internal const double RowHeight = 34;
    internal const double BarHeight = 20;

    private readonly string _id = "ct-shares-" + Guid.NewGuid().ToString("N")[..8];
    private LinearScale _x = new(0, 1, Left, Width - Right);

    /// <summary>The slots service's answer to GetFairShares.</summary>
    [Parameter, EditorRequired]
    public FairShares Shares { get; set; } = new();

    private int Rows => Shares.Shares.Count + 1;

    private double AxisY => Top + Rows * RowHeight + 4;

    private double Height => AxisY + 44;

    protected override void OnParametersSet()
    {
        var widest = Shares.Shares.SelectMany(s => new[] { s.Guaranteed, s.Used })
            .Append(Shares.Lines).Append(Shares.Unreserved).Append(1).Max();
        _x = new LinearScale(0, LinearScale.NiceCeiling(widest, 5), Left, Width - Right);
    }

    private static int Free(CountryShare share) => Math.Max(0, share.Guaranteed - share.Used);

    private double RowY(int row) => Top + row * RowHeight;

    private double Span(double from, double to) => Math.Max(0, _x.Map(to) - _x.Map(from));

    private string Title => L["FairShareTitle", Shares.SiteId, Figures.Date(Shares.PeriodStart), Figures.Date(Shares.PeriodEnd)];

    private string ReleaseNote => L["ReleaseNote", Figures.Count(Shares.ReleaseDaysBeforeRun)];

    private string Description => L["FairShareDescription", Figures.Count(Shares.Lines), Figures.Count(Shares.Booked)] + " " + ReleaseNote;

    private static string N(double value) => Svg.Number(value);
}
