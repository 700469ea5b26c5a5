using Bunit;

namespace CarTConsortium.Portal.Charts.Tests;

public class TimelineTests : ChartTestContext
{
    private static readonly TimelineItem[] Custody =
    [
        new(new DateTimeOffset(2027, 1, 12, 9, 30, 0, TimeSpan.Zero), "Manufacturing started", Who: "site-astana"),
        new(new DateTimeOffset(2027, 1, 5, 14, 0, 0, TimeSpan.Zero), "Booked", "Standard urgency", "coordinator-kz-1"),
        new(new DateTimeOffset(2027, 1, 10, 13, 15, 0, TimeSpan.FromHours(5)), "Apheresis received"),
    ];

    private IRenderedComponent<Timeline> RenderTimeline(IReadOnlyList<TimelineItem> items, string culture = "en-US", string? caption = "Chain of custody") =>
        RenderIn<Timeline>(culture, p => p.Add(c => c.Items, items).Add(c => c.Caption, caption));

    [Fact]
    public void Steps_are_listed_oldest_first_with_who_when_and_what()
    {
        var cut = RenderTimeline(Custody);

        var steps = cut.FindAll("ol > li");

        Assert.Equal(["Booked", "Apheresis received", "Manufacturing started"], steps.Select(s => s.QuerySelector(".ct-timeline-title")!.TextContent));
        Assert.Equal("5 Jan 2027, 14:00 UTC", steps[0].QuerySelector("time")!.TextContent);
        Assert.Equal("2027-01-05T14:00:00.0000000+00:00", steps[0].QuerySelector("time")!.GetAttribute("datetime"));
        Assert.Equal("by coordinator-kz-1", steps[0].QuerySelector(".ct-timeline-who")!.TextContent);
        Assert.Equal("Standard urgency", steps[0].QuerySelector(".ct-timeline-detail")!.TextContent);
        Assert.Null(steps[1].QuerySelector(".ct-timeline-who"));
        Assert.Contains("Booked by coordinator-kz-1", steps[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Chain of custody", cut.Find("figcaption").TextContent);
    }

    [Fact]
    public void A_time_not_in_UTC_names_its_offset()
    {
        var cut = RenderTimeline(Custody);

        Assert.Equal("10 Jan 2027, 13:15 UTC+05:00", cut.FindAll("time")[1].TextContent);
    }

    [Fact]
    public void An_empty_timeline_says_so()
    {
        var cut = RenderTimeline([]);

        Assert.Empty(cut.FindAll("ol"));
        Assert.Equal("No steps yet.", cut.Find("p.ct-timeline-empty").TextContent);
    }

    [Fact]
    public void Russian_changes_the_default_caption_and_the_wording()
    {
        var cut = RenderTimeline(Custody, "ru-RU", caption: null);

        Assert.Equal("История", cut.Find("figcaption").TextContent);
        Assert.Equal("выполнил(а): coordinator-kz-1", cut.Find(".ct-timeline-who").TextContent);
        Assert.StartsWith("5 янв", cut.Find("time").TextContent, StringComparison.Ordinal);
    }
}
