using Bunit;
using CarTConsortium.Contracts.Approvals.V1;
using ProtoDate = Google.Type.Date;

namespace CarTConsortium.Portal.Charts.Tests;

public class ApprovalsGridTests : ChartTestContext
{
    private static Matrix Matrix()
    {
        var matrix = new Matrix();
        matrix.ProductIds.Add(["tisagenlecleucel", "ncb-cd19"]);
        matrix.CountryCodes.Add(["KZ", "UZ"]);
        matrix.Cells.Add(Cell("tisagenlecleucel", "KZ", true,
            new MatrixEntry { AuthorisationId = "a-1", Pathway = Pathway.MarketingAuthorisation, Status = AuthorisationStatus.Approved, ExpiresOn = new ProtoDate { Year = 2028, Month = 6, Day = 30 } }));
        matrix.Cells.Add(Cell("tisagenlecleucel", "UZ", false,
            new MatrixEntry { AuthorisationId = "a-2", Pathway = Pathway.CompassionateUse, Status = AuthorisationStatus.Suspended }));
        matrix.Cells.Add(Cell("ncb-cd19", "KZ", true,
            new MatrixEntry { AuthorisationId = "a-3", Pathway = Pathway.HospitalExemption, Status = AuthorisationStatus.Approved },
            new MatrixEntry { AuthorisationId = "a-4", Pathway = Pathway.ClinicalTrial, Status = AuthorisationStatus.UnderReview }));
        return matrix;
    }

    private static MatrixCell Cell(string product, string country, bool usable, params MatrixEntry[] entries)
    {
        var cell = new MatrixCell { ProductId = product, CountryCode = country, UsableToday = usable };
        cell.Entries.Add(entries);
        return cell;
    }

    private IRenderedComponent<ApprovalsGrid> RenderGrid(string culture = "en-US", Action<string>? selected = null) =>
        RenderIn<ApprovalsGrid>(culture, p =>
        {
            p.Add(c => c.Matrix, Matrix())
                .Add(c => c.ProductNames, new Dictionary<string, string> { ["tisagenlecleucel"] = "Kymriah (tisagenlecleucel)" });
            if (selected is not null)
            {
                p.Add(c => c.OnAuthorisationSelected, selected);
            }
        });

    [Fact]
    public void Each_cell_says_its_status_pathway_expiry_and_usability_in_words()
    {
        var cut = RenderGrid();

        var cell = cut.Find("td[data-product='tisagenlecleucel'][data-country='KZ']");

        Assert.Equal("Approved", cell.QuerySelector(".ct-grid-status")!.TextContent);
        Assert.Equal("marketing authorisation", cell.QuerySelector(".ct-grid-pathway")!.TextContent);
        Assert.Equal("until 30 Jun 2028", cell.QuerySelector(".ct-grid-expires")!.TextContent);
        Assert.Equal("✓ usable today", cell.QuerySelector(".ct-grid-usable")!.TextContent);
        Assert.Contains("ct-usable", cell.ClassList);
        Assert.Contains("ct-status-approved", cell.QuerySelector(".ct-grid-entry")!.ClassList);
        Assert.Equal("Approved marketing authorisation until 30 Jun 2028", cell.QuerySelector(".ct-grid-entry")!.TextContent.Trim());
    }

    [Fact]
    public void A_suspended_authorisation_is_coloured_and_said_and_the_cell_is_not_usable()
    {
        var cut = RenderGrid();

        var cell = cut.Find("td[data-product='tisagenlecleucel'][data-country='UZ']");

        Assert.Equal("Suspended", cell.QuerySelector(".ct-grid-status")!.TextContent);
        Assert.Contains("ct-status-suspended", cell.QuerySelector(".ct-grid-entry")!.ClassList);
        Assert.Equal("not usable today", cell.QuerySelector(".ct-grid-not-usable")!.TextContent);
        Assert.DoesNotContain("ct-usable", cell.ClassList);
    }

    [Fact]
    public void A_cell_lists_every_pathway_and_an_empty_cell_says_so()
    {
        var cut = RenderGrid();

        var both = cut.FindAll("td[data-product='ncb-cd19'][data-country='KZ'] .ct-grid-status").Select(s => s.TextContent);

        Assert.Equal(["Approved", "Under review"], both);
        Assert.Equal("no authorisation", cut.Find("td[data-product='ncb-cd19'][data-country='UZ']").TextContent.Trim());
    }

    [Fact]
    public void Rows_and_columns_follow_the_matrix_with_product_names_where_known()
    {
        var cut = RenderGrid();

        Assert.Equal(["Product", "KZ", "UZ"], cut.FindAll("thead th").Select(th => th.TextContent));
        Assert.Equal(["Kymriah (tisagenlecleucel)", "ncb-cd19"], cut.FindAll("tbody th[scope='row']").Select(th => th.TextContent));
    }

    [Fact]
    public void The_legend_names_every_status_with_its_colour()
    {
        var cut = RenderGrid();

        var legend = cut.FindAll(".ct-approvals-legend .ct-grid-entry");

        Assert.Equal(9, legend.Count);
        Assert.Contains(legend, e => e.TextContent == "Conditionally approved" && e.ClassList.Contains("ct-status-conditionally-approved"));
    }

    [Fact]
    public void With_a_handler_each_authorisation_is_a_button_that_reports_its_id()
    {
        var selected = new List<string>();
        var cut = RenderGrid(selected: selected.Add);

        var button = cut.Find("button[data-authorisation='a-2']");
        button.Click();

        Assert.Equal(["a-2"], selected);
        Assert.Equal("button", button.GetAttribute("type"));
        Assert.Equal("Open the history of: Suspended, compassionate use", button.GetAttribute("aria-label"));
    }

    [Fact]
    public void Without_a_handler_nothing_is_a_button()
    {
        var cut = RenderGrid();

        Assert.Empty(cut.FindAll("button"));
        Assert.Equal(4, cut.FindAll("span.ct-grid-entry[data-authorisation]").Count);
    }

    [Fact]
    public void Russian_changes_the_status_words()
    {
        var cut = RenderGrid("ru-RU");

        var cell = cut.Find("td[data-product='tisagenlecleucel'][data-country='KZ']");

        Assert.Equal("Одобрено", cell.QuerySelector(".ct-grid-status")!.TextContent);
        Assert.Equal("✓ можно применять сегодня", cell.QuerySelector(".ct-grid-usable")!.TextContent);
        Assert.Equal("Продукт", cut.Find("thead th").TextContent);
    }

    [Theory]
    [InlineData(AuthorisationStatus.ConditionallyApproved, "ct-status-conditionally-approved")]
    [InlineData(AuthorisationStatus.UnderReview, "ct-status-under-review")]
    [InlineData(AuthorisationStatus.Approved, "ct-status-approved")]
    public void A_status_class_is_its_name_in_lower_case_words(AuthorisationStatus status, string css)
    {
        Assert.Equal(css, ApprovalsGrid.StatusClass(status));
    }
}
