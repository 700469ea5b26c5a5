using AngleSharp.Dom;
using Bunit;
using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Portal.Charts.Tests;

public class RatesTableTests : ChartTestContext
{
    private IRenderedComponent<RatesTable> RenderTable(string culture = "en-US") =>
        RenderIn<RatesTable>(culture, p => p.Add(c => c.Statistics, Samples.ByCountry()));

    private static string[] Rates(IElement row) => row.QuerySelectorAll(".ct-rate").Select(r => r.TextContent).ToArray();

    [Fact]
    public void Each_rate_is_the_messages_with_its_interval_and_denominator()
    {
        var cut = RenderTable();

        var kz = cut.Find("tbody tr[data-group='KZ']");

        Assert.Equal("12", kz.QuerySelectorAll("td")[0].TextContent);
        Assert.Equal(["75.0% (47.0%–91.0%)", "66.7% (39.1%–86.2%)", "8.3% (1.5%–35.4%)", "16.7% (4.7%–44.8%)"], Rates(kz));
        Assert.All(kz.QuerySelectorAll(".ct-denominator"), d => Assert.Equal("of 12 patients", d.TextContent));
    }

    [Fact]
    public void A_suppressed_group_shows_the_word_and_no_figure()
    {
        var cut = RenderTable();

        var uz = cut.Find("tbody tr[data-group='UZ']");

        Assert.Equal("suppressed", uz.QuerySelector("td")!.TextContent);
        Assert.Single(uz.QuerySelectorAll("td"));
        Assert.DoesNotContain(uz.TextContent, char.IsDigit);
    }

    [Fact]
    public void A_group_without_a_patient_count_is_shown_as_suppressed_never_as_zero()
    {
        // On the wire a suppressed cell has no figure at all; a client must not read the absent count as 0.
        var statistics = Samples.ByCountry();
        statistics.Cells.Add(new StatisticsCell { CountryCode = "TJ" });
        var cut = RenderIn<RatesTable>("en-US", p => p.Add(c => c.Statistics, statistics));

        var tj = cut.Find("tbody tr[data-group='TJ']");

        Assert.Equal("suppressed", tj.QuerySelector("td")!.TextContent);
        Assert.DoesNotContain(tj.TextContent, char.IsDigit);
    }

    [Fact]
    public void A_rate_resting_on_too_few_patients_is_not_estimated()
    {
        var cut = RenderTable();

        var kg = cut.Find("tbody tr[data-group='KG']");

        Assert.Empty(Rates(kg));
        Assert.Equal(4, kg.QuerySelectorAll(".ct-not-estimable").Length);
    }

    [Fact]
    public void The_total_and_the_benchmark_close_the_table()
    {
        var cut = RenderTable();

        var total = cut.Find("tfoot tr[data-group]");
        var benchmark = cut.Find("tfoot tr.ct-benchmark-row");

        Assert.Equal("All groups (consortium)", total.QuerySelector("th")!.TextContent);
        Assert.Equal(["82.6% (62.9%–93.0%)"], Rates(total));
        Assert.Equal("85.5%", benchmark.QuerySelectorAll("td")[1].TextContent);
        Assert.Equal("255", benchmark.QuerySelectorAll("td")[0].TextContent);
    }

    [Fact]
    public void Russian_changes_the_caption_and_the_words()
    {
        var cut = RenderTable("ru-RU");

        Assert.Equal("Частота ответа и токсичности (95% интервал Уилсона)", cut.Find("caption").TextContent);
        Assert.Equal("скрыто", cut.Find("tbody tr[data-group='UZ'] td").TextContent);
        Assert.Equal("из 12 пациентов", cut.Find("tbody tr[data-group='KZ'] .ct-denominator").TextContent);
    }
}
