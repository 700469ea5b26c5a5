using System.Globalization;
using AngleSharp.Dom;
using Bunit;
using CarTConsortium.Contracts.Slots.V1;
using ProtoDate = Google.Type.Date;

namespace CarTConsortium.Portal.Charts.Tests;

public class FairShareChartTests : ChartTestContext
{
    // Ten lines: the axis runs to 10 places over 64..520 px.
    private static double X(double places) => 64 + places / 10 * 456;

    private static FairShares Shares()
    {
        var shares = new FairShares
        {
            SiteId = "site-astana",
            PeriodStart = new ProtoDate { Year = 2027, Month = 1, Day = 1 },
            PeriodEnd = new ProtoDate { Year = 2027, Month = 1, Day = 31 },
            Lines = 10,
            Booked = 8,
            Unreserved = 2,
            ReleaseDaysBeforeRun = 14,
        };
        shares.Shares.Add(new CountryShare { CountryCode = "KZ", Percent = 40, Guaranteed = 4, Used = 3 });
        shares.Shares.Add(new CountryShare { CountryCode = "UZ", Percent = 30, Guaranteed = 3, Used = 3 });
        // KG holds more places than its share: the others' released places.
        shares.Shares.Add(new CountryShare { CountryCode = "KG", Percent = 10, Guaranteed = 1, Used = 2 });
        return shares;
    }

    private IRenderedComponent<FairShareChart> RenderChart(string culture = "en-US") =>
        RenderIn<FairShareChart>(culture, p => p.Add(c => c.Shares, Shares()));

    private static double Attr(IElement element, string name) =>
        double.Parse(element.GetAttribute(name)!, CultureInfo.InvariantCulture);

    private static string[] Cells(IElement row) => row.QuerySelectorAll("th, td").Select(c => c.TextContent.Trim()).ToArray();

    [Fact]
    public void The_table_gives_each_countrys_share_as_the_message_has_it()
    {
        var cut = RenderChart();

        Assert.Equal(["KZ", "40%", "4", "3", "1"], Cells(cut.Find("tbody tr[data-country='KZ']")));
        Assert.Equal(["UZ", "30%", "3", "3", "0"], Cells(cut.Find("tbody tr[data-country='UZ']")));
        Assert.Equal(["KG", "10%", "1", "2", "0"], Cells(cut.Find("tbody tr[data-country='KG']")));
        Assert.Equal("2", Cells(cut.Find("tfoot tr[data-row='unreserved']"))[2]);
        Assert.Equal(["All places of the site", "", "10", "8", "2"], Cells(cut.Find("tfoot tr[data-row='site']")));
    }

    [Fact]
    public void Each_bar_is_guaranteed_used_and_free_to_scale()
    {
        var cut = RenderChart();

        var kz = cut.Find("g.ct-share[data-country='KZ']");

        Assert.Equal(X(4) - X(0), Attr(kz.QuerySelector("rect.ct-share-guaranteed")!, "width"), 0.01);
        Assert.Equal(X(3) - X(0), Attr(kz.QuerySelector("rect.ct-share-used")!, "width"), 0.01);
        Assert.Equal(X(3), Attr(kz.QuerySelector("rect.ct-share-free")!, "x"), 0.01);
        Assert.Equal(X(1) - X(0), Attr(kz.QuerySelector("rect.ct-share-free")!, "width"), 0.01);
    }

    [Fact]
    public void Places_used_beyond_the_share_are_drawn_and_leave_nothing_free()
    {
        var cut = RenderChart();

        var kg = cut.Find("g.ct-share[data-country='KG']");

        Assert.Equal(X(2) - X(0), Attr(kg.QuerySelector("rect.ct-share-used")!, "width"), 0.01);
        Assert.Equal(0, Attr(kg.QuerySelector("rect.ct-share-free")!, "width"));
        Assert.Equal(X(2) - X(0), Attr(cut.Find("rect.ct-share-unreserved"), "width"), 0.01);
    }

    [Fact]
    public void The_release_day_and_the_period_are_given()
    {
        var cut = RenderChart();

        Assert.Equal("Unused shares of a run open to every country 14 days before the run starts.", cut.Find("p.ct-release-note").TextContent);
        Assert.Equal("14", cut.Find("tfoot tr[data-row='release'] td").TextContent);
        Assert.Equal("Fair shares at site-astana, 1 Jan 2027 – 31 Jan 2027", cut.Find("figcaption").TextContent);
        Assert.Contains("14 days", cut.Find("svg desc").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Russian_changes_the_captions()
    {
        var cut = RenderChart("ru-RU");

        Assert.Equal("Справедливые доли по странам (места за период)", cut.Find("table caption").TextContent);
        Assert.StartsWith("Неиспользованные доли", cut.Find("p.ct-release-note").TextContent, StringComparison.Ordinal);
        Assert.Equal("Свободно", cut.FindAll("thead th")[4].TextContent);
    }
}
