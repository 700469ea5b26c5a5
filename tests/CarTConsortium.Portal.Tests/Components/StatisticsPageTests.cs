using Bunit;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Components.Statistics;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The statistics page: the survival curves and rates of the groups the selector asks for, a suppressed group never drawn.</summary>
public sealed class StatisticsPageTests : PortalComponentTest
{
    public StatisticsPageTests()
    {
        Gateway.On<ListProductsRequest, ListProductsResponse>("ListProducts", _ => new ListProductsResponse());
        Gateway.On<GetStatisticsRequest, Statistics>("GetStatistics", request => request.GroupBy.Count == 0
            ? new Statistics { Total = Cell("", suppressed: false), MinimumCellSize = 5, ReleaseId = "2026-11-30T000000Z", CutAt = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero)) }
            : new Statistics { Cells = { Cell("KZ", suppressed: false), Cell("KG", suppressed: true) }, Total = Cell("", suppressed: false), MinimumCellSize = 5 });
    }

    [Fact]
    public void The_whole_consortium_is_drawn_first_as_one_overall_and_one_event_free_curve()
    {
        var page = Render<StatisticsPage>();

        page.WaitForElement("[data-testid=statistics]");
        Assert.Equal(2, page.FindAll("svg path.ct-curve").Count);
        Assert.Empty(Gateway.Requests<GetStatisticsRequest>("GetStatistics").Single().GroupBy);
        // The page says which release it shows: its id and the day of its cut.
        var release = page.Find("[data-testid=stats-release]").TextContent;
        Assert.Contains("2026-11-30T000000Z", release, StringComparison.Ordinal);
        Assert.Contains("2026-11-30.", release, StringComparison.Ordinal);
    }

    [Fact]
    public void By_country_each_group_gets_its_curves_and_a_suppressed_group_is_named_but_never_drawn()
    {
        var page = Render<StatisticsPage>();
        page.WaitForElement("[data-testid=statistics]");

        page.Find("#stats-by").Change(StatisticsDimension.Country.ToString());

        page.WaitForAssertion(() => Assert.Equal(nameof(StatisticsDimension.Country), page.Find("[data-testid=statistics]").GetAttribute("data-by")));
        Assert.Equal([StatisticsDimension.Country], Gateway.Requests<GetStatisticsRequest>("GetStatistics").Last().GroupBy);
        // KZ in both charts; KG suppressed: no curve, its row says so.
        Assert.Equal(2, page.FindAll("svg path.ct-curve").Count);
        Assert.Empty(page.FindAll("svg g.ct-series[data-group=KG]"));
        Assert.NotEmpty(page.FindAll("tr[data-group=KG].ct-suppressed-row"));
    }

    private static StatisticsCell Cell(string country, bool suppressed)
    {
        var cell = new StatisticsCell { CountryCode = country, Suppressed = suppressed };
        if (!suppressed)
        {
            cell.PatientsInfused = 12;
            cell.OverallSurvival1Y = new Estimate { Value = 0.8, Lower = 0.6, Upper = 0.9, Denominator = 12 };
            cell.EventFreeSurvival1Y = new Estimate { Value = 0.6, Lower = 0.4, Upper = 0.8, Denominator = 12 };
            cell.OverallSurvivalCurve.Add([Point(0, 1), Point(90, 0.9), Point(200, 0.8)]);
            cell.EventFreeSurvivalCurve.Add([Point(0, 1), Point(60, 0.8), Point(150, 0.6)]);
        }
        return cell;
    }

    private static SurvivalPoint Point(int day, double survival) =>
        new() { Day = day, Survival = survival, Lower = survival - 0.1, Upper = Math.Min(1, survival + 0.05), AtRisk = 12 };
}
