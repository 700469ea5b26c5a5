using System.Security.Claims;
using Bunit;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Portal.Components.Layout;
using CarTConsortium.Portal.Components.Pages;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The home page shows each of the person's roles with its pages, and everyone's; the footer links to the API reference.</summary>
public sealed class HomePageTests : PortalComponentTest
{
    private static readonly Dictionary<string, (string Section, string[] Links)> PagesByRole = new()
    {
        [Roles.HospitalCoordinator] = ("coordinator", ["patients", "bookings/new", "bookings"]),
        [Roles.Clinician] = ("clinician", ["clinical/patients", "clinical/enrol"]),
        [Roles.ManufacturingSite] = ("site", ["site/runs", "site/bookings", "site/fair-shares"]),
        [Roles.ProcurementOfficer] = ("procurement", ["procurement", "procurement/orders"]),
        [Roles.RegulatoryOfficer] = ("regulator", ["approvals", "approvals/renewals", "approvals/usage"]),
        [Roles.ConsortiumAdmin] = ("admin", ["admin", "procurement"]),
    };

    public static TheoryData<string> EveryRole() => [.. Roles.All];

    [Theory]
    [MemberData(nameof(EveryRole))]
    public void A_person_with_one_role_sees_that_roles_pages_and_everyones_and_no_other_roles(string role)
    {
        SignIn(role);

        var page = Render<Home>();

        var (section, links) = PagesByRole[role];
        Assert.Equal(["home-" + section, "home-everyone"], page.FindAll("section.home-role").Select(s => s.GetAttribute("data-testid")));
        Assert.Equal(links, page.Find($"[data-testid=home-{section}]").QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.Equal(["statistics"], page.Find("[data-testid=home-everyone]").QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.Equal(Strings["Home_Welcome", "Someone"].Value, page.Find("p").TextContent);
    }

    [Fact]
    public void A_person_with_several_roles_sees_each_in_the_platforms_order_every_heading_and_note_from_the_resources()
    {
        SignIn(Roles.ConsortiumAdmin, Roles.HospitalCoordinator);

        var page = Render<Home>();

        Assert.Equal(["home-coordinator", "home-admin", "home-everyone"], page.FindAll("section.home-role").Select(s => s.GetAttribute("data-testid")));
        Assert.Equal(Strings["Home_Admin"].Value, page.Find("#home-admin-title").TextContent);
        Assert.Equal(Strings["Home_AdminPools_Link"].Value, page.Find("[data-testid=home-admin] a[href=procurement]").TextContent);
        Assert.DoesNotContain("Home_", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void In_russian_the_home_page_speaks_russian()
    {
        UseCulture("ru");
        SignIn(Roles.RegulatoryOfficer);

        var page = Render<Home>();

        Assert.Equal("Ваша работа специалиста по регистрации", page.Find("#home-regulator-title").TextContent);
        Assert.Equal("Статистика регистра", page.Find("[data-testid=home-everyone] a").TextContent);
    }

    [Fact]
    public void Nobody_signed_in_is_asked_to_sign_in_and_shown_no_role()
    {
        var page = Render<Home>();

        Assert.Empty(page.FindAll("section.home-role"));
        Assert.Equal(Strings["SignIn"].Value, page.Find("a.button").TextContent);
    }

    [Fact]
    public void Without_a_gateway_address_the_footer_shows_no_link()
    {
        var footer = Render<PortalFooter>(p => p.Add(f => f.Options, new PortalOptions { GatewayGrpc = "http://127.0.0.1:5001" }));

        Assert.Empty(footer.FindAll("a"));
    }

    [Fact]
    public void The_footer_links_to_the_gateways_api_reference_and_openapi_document()
    {
        var footer = Render<PortalFooter>(p => p.Add(f => f.Options, new PortalOptions { GatewayGrpc = "http://127.0.0.1:5001", ApiReference = "http://127.0.0.1:5000" }));

        Assert.Equal("http://127.0.0.1:5000/api-docs", footer.Find("[data-testid=api-reference]").GetAttribute("href"));
        Assert.Equal("http://127.0.0.1:5000/openapi/v1.json", footer.Find("[data-testid=openapi-document]").GetAttribute("href"));
        Assert.Equal(Strings["Footer_ApiReference"].Value, footer.Find("[data-testid=api-reference]").TextContent);
    }

    private void SignIn(params string[] roles)
    {
        Auth.SetAuthorized("someone");
        Auth.SetClaims([new Claim("name", "Someone"), new Claim(PlatformClaims.Country, "KZ"), .. roles.Select(r => new Claim(PlatformClaims.Role, r))]);
    }
}
