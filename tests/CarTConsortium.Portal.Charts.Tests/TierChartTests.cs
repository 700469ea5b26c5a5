using System.Globalization;
using AngleSharp.Dom;
using Bunit;
using CarTConsortium.Contracts.Procurement.V1;
using Money = Google.Type.Money;

namespace CarTConsortium.Portal.Charts.Tests;

public class TierChartTests : ChartTestContext
{
    // Tiers from 1, 50 and 100 units: the axis runs to 120 units over 16..616 px.
    private static double X(double units) => 16 + units / 120 * 600;

    /// <summary>A pool as an admin sees it (every commitment): KZ 30, UZ 25, KG 15 units.</summary>
    private static Pool Pool(int supplyCap = 0)
    {
        var pool = new Pool
        {
            PoolId = "pool-1",
            Title = "Vector lots 2027",
            Unit = "lots",
            Currency = "USD",
            MinimumVolume = 40,
            SupplyCap = supplyCap,
            Totals = new PoolTotals
            {
                CommittedVolume = 70,
                Countries = 3,
                PricedVolume = 70,
                Tier = Tier(50, 900),
                NextTier = new NextTier { Tier = Tier(100, 800), UnitsMore = 30 },
                UnitsToMinimum = 0,
            },
        };
        pool.PriceTiers.Add([Tier(1, 1000), Tier(50, 900), Tier(100, 800)]);
        pool.Commitments.Add(new Commitment { CountryCode = "KZ", Quantity = 30 });
        pool.Commitments.Add(new Commitment { CountryCode = "UZ", Quantity = 25 });
        pool.Commitments.Add(new Commitment { CountryCode = "KG", Quantity = 15 });
        return pool;
    }

    private static PriceTier Tier(int min, long price) =>
        new() { MinQuantity = min, UnitPrice = new Money { CurrencyCode = "USD", Units = price } };

    private IRenderedComponent<TierChart> RenderChart(Pool pool, string? own = "KZ", string culture = "en-US") =>
        RenderIn<TierChart>(culture, p => p.Add(c => c.Pool, pool).Add(c => c.OwnCountry, own));

    private static double Attr(IElement element, string name) =>
        double.Parse(element.GetAttribute(name)!, CultureInfo.InvariantCulture);

    private static string[] Cells(IElement row) => row.QuerySelectorAll("th, td").Select(c => c.TextContent.Trim()).ToArray();

    [Fact]
    public void The_own_commitment_marker_sits_at_its_volume()
    {
        var cut = RenderChart(Pool());

        var marker = cut.Find("g.ct-marker-own line");

        Assert.Equal(X(30), Attr(marker, "x1"), 0.01);
        Assert.Equal(X(30), Attr(marker, "x2"), 0.01);
        Assert.Equal("30", cut.Find("g.ct-marker-own").GetAttribute("data-volume"));
    }

    [Fact]
    public void The_bar_is_the_own_commitment_then_the_others_as_one_total()
    {
        var cut = RenderChart(Pool());

        var own = cut.Find("rect.ct-volume-own");
        var others = cut.Find("rect.ct-volume-others");

        Assert.Equal(X(0), Attr(own, "x"), 0.01);
        Assert.Equal(X(30) - X(0), Attr(own, "width"), 0.01);
        Assert.Equal(X(30), Attr(others, "x"), 0.01);
        Assert.Equal(X(70) - X(30), Attr(others, "width"), 0.01);
        Assert.Single(cut.FindAll("rect.ct-volume-others"));
    }

    [Fact]
    public void Another_countrys_commitment_never_appears_even_when_the_message_holds_it()
    {
        var cut = RenderChart(Pool());

        Assert.DoesNotContain("UZ", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("KG", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(cut.FindAll("td, text, title"), e => e.TextContent.Contains("25", StringComparison.Ordinal) || e.TextContent.Contains("15", StringComparison.Ordinal));
        Assert.Equal("40", cut.Find("tr[data-figure='others'] td").TextContent);
    }

    [Fact]
    public void The_tier_table_gives_each_price_and_which_tier_is_reached()
    {
        var cut = RenderChart(Pool());

        var rows = cut.FindAll("table.ct-tier-table tbody tr").Select(Cells).ToList();

        Assert.Equal(["1", "1,000.00 USD", "passed (a better tier applies)"], rows[0]);
        Assert.Equal(["50", "900.00 USD", "reached: the price now"], rows[1]);
        Assert.Equal(["100", "800.00 USD", "next: 30 more units"], rows[2]);
        Assert.Equal("ct-tier-row-current", cut.Find("table.ct-tier-table tr[data-min='50']").GetAttribute("class"));
        Assert.Contains("ct-tier-current", cut.Find("g.ct-tier[data-min='50'] rect").GetAttribute("class"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_tier_bands_start_at_each_tiers_minimum_and_the_minimum_volume_is_a_line()
    {
        var cut = RenderChart(Pool());

        var bands = cut.FindAll("g.ct-tier rect");

        Assert.Equal([X(1), X(50), X(100)], bands.Select(b => Math.Round(Attr(b, "x"), 2)).ToArray());
        Assert.Equal(X(120) - X(100), Attr(bands[2], "width"), 0.01);
        Assert.Equal(X(40), Attr(cut.Find("g.ct-minimum line"), "x1"), 0.01);
        Assert.Empty(cut.FindAll("g.ct-cap"));
        Assert.Equal("none", cut.Find("tr[data-figure='cap'] td").TextContent);
    }

    [Fact]
    public void A_supply_cap_is_drawn_and_a_tier_past_it_is_said_to_be_beyond_it()
    {
        var pool = Pool(supplyCap: 90);
        pool.Totals.NextTier = null;

        var cut = RenderChart(pool);

        Assert.Equal("90", cut.Find("g.ct-cap").GetAttribute("data-volume"));
        Assert.Equal("beyond the supply cap", Cells(cut.Find("table.ct-tier-table tr[data-min='100']"))[2]);
        Assert.Equal("90", cut.Find("tr[data-figure='cap'] td").TextContent);
    }

    [Fact]
    public void The_volume_table_holds_the_pools_totals()
    {
        var cut = RenderChart(Pool());

        string Figure(string name) => cut.Find($"tr[data-figure='{name}'] td").TextContent;

        Assert.Equal("70", Figure("committed"));
        Assert.Equal("3", Figure("countries"));
        Assert.Equal("30", Figure("own"));
        Assert.Equal("70", Figure("priced"));
        Assert.Equal("40", Figure("minimum"));
        Assert.Equal("0", Figure("to-minimum"));
    }

    [Fact]
    public void An_admin_sees_only_the_total_with_no_own_marker()
    {
        var cut = RenderChart(Pool(), own: null);

        Assert.Empty(cut.FindAll("g.ct-marker-own"));
        Assert.Empty(cut.FindAll("tr[data-figure='own']"));
        Assert.Equal(X(70) - X(0), Attr(cut.Find("rect.ct-volume-others"), "width"), 0.01);
        Assert.DoesNotContain("UZ", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_country_that_has_not_committed_is_told_so_and_has_no_marker()
    {
        var pool = Pool();
        pool.Commitments.Clear();

        var cut = RenderChart(pool, own: "KG");

        Assert.Empty(cut.FindAll("g.ct-marker-own"));
        Assert.Equal("none yet", cut.Find("tr[data-figure='own'] td").TextContent);
        Assert.Equal("70", cut.Find("tr[data-figure='others'] td").TextContent);
    }

    [Fact]
    public void Nothing_committed_yet_draws_no_bar_and_reaches_no_tier()
    {
        var pool = Pool();
        pool.Commitments.Clear();
        pool.Totals = new PoolTotals { UnitsToMinimum = 40 };

        var cut = RenderChart(pool);

        Assert.Equal(0, Attr(cut.Find("rect.ct-volume-others"), "width"));
        Assert.All(cut.FindAll("table.ct-tier-table tbody tr"), r => Assert.Equal("not reached", Cells(r)[2]));
        Assert.Equal("40", cut.Find("tr[data-figure='to-minimum'] td").TextContent);
    }

    [Fact]
    public void Russian_changes_the_captions()
    {
        var cut = RenderChart(Pool(), culture: "ru-RU");

        Assert.Equal("Vector lots 2027: общий объём и ценовые уровни", cut.Find("figcaption").TextContent);
        Assert.Equal("Ценовые уровни (цена за единицу, USD)", cut.Find("table.ct-tier-table caption").TextContent);
        Assert.Equal("достигнут: текущая цена", Cells(cut.Find("table.ct-tier-table tr[data-min='50']"))[2]);
    }
}
