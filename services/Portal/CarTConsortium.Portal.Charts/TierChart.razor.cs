using CarTConsortium.Contracts.Procurement.V1;
using Microsoft.AspNetCore.Components;

namespace CarTConsortium.Portal.Charts;

/// <summary>
/// A procurement pool's pooled volume drawn against its price tiers, its minimum volume and its
/// supply cap: the viewer's own country's commitment marked, every other country only as part
/// of the total (never one by one, even when the message holds them, as it does for an admin).
/// </summary>
public partial class TierChart
{
    internal const double Width = 640;
    internal const double Height = 184;
    internal const double Left = 16;
    internal const double Right = 24;

    private readonly string _id = "ct-tier-" + Guid.NewGuid().ToString("N")[..8];
    private LinearScale _x = new(0, 1, Left, Width - Right);

    /// <summary>The pool as GetPool, ListPools or Commit returns it.</summary>
    [Parameter, EditorRequired]
    public Pool Pool { get; set; } = new();

    /// <summary>The viewer's country (ISO 3166-1 alpha-2): its commitment is marked. None for a consortium admin.</summary>
    [Parameter]
    public string? OwnCountry { get; set; }

    private enum TierState
    {
        Current,
        Next,
        Passed,
        BeyondCap,
        NotReached,
    }

    private int Committed => Pool.Totals?.CommittedVolume ?? 0;

    private Commitment? Own =>
        string.IsNullOrEmpty(OwnCountry) ? null : Pool.Commitments.FirstOrDefault(c => c.CountryCode == OwnCountry);

    private int OwnQuantity => Own?.Quantity ?? 0;

    private int OthersTogether => Math.Max(0, Committed - OwnQuantity);

    protected override void OnParametersSet()
    {
        var lastTier = Pool.PriceTiers.Select(t => t.MinQuantity).DefaultIfEmpty(0).Max();
        // Room past the last tier's start, so that its band has width, and past every line drawn.
        var reach = new[] { lastTier * 1.2, Pool.MinimumVolume * 1.1, Pool.SupplyCap * 1.05, Committed * 1.1, 10 }.Max();
        _x = new LinearScale(0, LinearScale.NiceCeiling(reach, 6), Left, Width - Right);
    }

    private double TierEnd(int index) =>
        index + 1 < Pool.PriceTiers.Count ? Pool.PriceTiers[index + 1].MinQuantity : _x.DomainMax;

    private TierState State(PriceTier tier)
    {
        var current = Pool.Totals?.Tier;
        var next = Pool.Totals?.NextTier;
        if (current is not null && tier.MinQuantity == current.MinQuantity)
        {
            return TierState.Current;
        }
        if (next?.Tier is not null && tier.MinQuantity == next.Tier.MinQuantity)
        {
            return TierState.Next;
        }
        if (current is not null && tier.MinQuantity < current.MinQuantity)
        {
            return TierState.Passed;
        }
        return Pool.SupplyCap > 0 && tier.MinQuantity > Pool.SupplyCap ? TierState.BeyondCap : TierState.NotReached;
    }

    private string StateText(PriceTier tier) => State(tier) switch
    {
        TierState.Current => L["TierCurrent"],
        TierState.Next => L["TierNext", Figures.Count(Pool.Totals.NextTier.UnitsMore)],
        TierState.Passed => L["TierPassed"],
        TierState.BeyondCap => L["TierBeyondCap"],
        _ => L["TierNotReached"],
    };

    // Lighter for the dearer tiers, darker as the price falls.
    private static readonly string[] TierFills = ["#e3edf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5"];

    private static string TierFill(int index) => TierFills[Math.Min(index, TierFills.Length - 1)];

    private string Title => L["TierTitle", Pool.Title];

    private string Description
    {
        get
        {
            var text = L["TierDescription", Figures.Count(Committed), Pool.Unit, Figures.Count(Pool.Totals?.Countries ?? 0), Figures.Count(Pool.MinimumVolume)].Value;
            return Own is null ? text : text + " " + L["TierDescriptionOwn", Figures.Count(OwnQuantity)];
        }
    }

    private static string N(double value) => Svg.Number(value);
}
