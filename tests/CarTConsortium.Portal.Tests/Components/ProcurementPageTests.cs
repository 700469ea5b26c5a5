using System.Security.Claims;
using Bunit;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Contracts.Common.V1;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Components.Coordinator;
using CarTConsortium.Portal.Components.Procurement;
using CarTConsortium.Portal.Components.Shared;
using CarTConsortium.Portal.Errors;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The procurement officer's forms and pool page: what is typed is what the API receives, and what the API refuses is shown where it belongs.</summary>
public sealed class ProcurementPageTests : PortalComponentTest
{
    public ProcurementPageTests()
    {
        Gateway.On<ListInstitutionsRequest, ListInstitutionsResponse>("ListInstitutions", _ => new ListInstitutionsResponse
        {
            Institutions = { new Institution { InstitutionId = "kz-ncb-astana", Name = "National Center for Biotechnology", CountryCode = "KZ" } },
        });
        Gateway.On<GetSavingsRequest, PoolSavings>("GetSavings", request => new PoolSavings { PoolId = request.PoolId, Basis = SavingsBasis.Projected, Currency = "USD" });
    }

    private IStringLocalizer<ProcurementResource> Text => Services.GetRequiredService<IStringLocalizer<ProcurementResource>>();

    [Fact]
    public void An_amendment_names_the_revision_of_the_commitment_it_amends_and_sends_what_was_typed()
    {
        CommitRequest? sent = null;
        var form = Render<CommitForm>(p => p
            .Add(f => f.Pool, Pool(kzQuantity: 5, kzRevision: 7))
            .Add(f => f.CountryCode, "KZ")
            .Add(f => f.Current, Pool(kzQuantity: 5, kzRevision: 7).Commitments[0])
            .Add(f => f.DeliveryChoices, [new Choice("kz-ncb-astana", "NCB")])
            .Add(f => f.OnSubmit, (CommitRequest request) => sent = request));

        // Starts from the commitment as it stands.
        Assert.Equal("5", form.Find("#commit-quantity").GetAttribute("value"));
        form.Find("#commit-quantity").Change("6");
        form.Find("#commit-max-price").Change("158000.5");
        form.Find("#commit-budget").Change(" KZ-MOH-2027-CART-006 ");
        form.Find("form").Submit();

        Assert.NotNull(sent);
        Assert.Equal(("vectors", "KZ", 6, 7L, "kz-ncb-astana", "KZ-MOH-2027-CART-006"),
            (sent.PoolId, sent.CountryCode, sent.Quantity, sent.ExpectedRevision, sent.DeliveryInstitutionId, sent.BudgetReference));
        Assert.Equal(("USD", 158_000L, 500_000_000), (sent.MaxUnitPrice.CurrencyCode, sent.MaxUnitPrice.Units, sent.MaxUnitPrice.Nanos));
        Assert.Equal(Text["Commit_Amend"].Value, form.Find("[data-testid=commit-submit]").TextContent);
    }

    [Fact]
    public void A_first_commitment_names_revision_zero()
    {
        CommitRequest? sent = null;
        var form = Render<CommitForm>(p => p
            .Add(f => f.Pool, Pool(kzQuantity: 0, kzRevision: 0))
            .Add(f => f.CountryCode, "KZ")
            .Add(f => f.OnSubmit, (CommitRequest request) => sent = request));

        form.Find("#commit-quantity").Change("2");
        form.Find("form").Submit();

        Assert.Equal((2, 0L), (sent!.Quantity, sent.ExpectedRevision));
        Assert.Null(sent.MaxUnitPrice);
        Assert.Equal(Text["Commit_Submit"].Value, form.Find("[data-testid=commit-submit]").TextContent);
    }

    [Fact]
    public void The_apis_field_violations_appear_next_to_their_inputs_and_the_rest_in_the_banner()
    {
        var error = PortalError.From(Errors.BadRequest(("quantity", "must be at least 1"), ("max_unit_price", "must be in USD"), ("country_code", "must be your own country")));

        var form = Render<CommitForm>(p => p.Add(f => f.Pool, Pool(5, 7)).Add(f => f.CountryCode, "KZ").Add(f => f.Error, error));
        var banner = Render<ErrorBanner>(p => p.Add(b => b.Error, error).Add(b => b.ExtraFields, CommitForm.Fields));

        Assert.Contains("must be at least 1", form.Find("#commit-quantity-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("commit-quantity-error", form.Find("#commit-quantity").GetAttribute("aria-describedby"), StringComparison.Ordinal);
        Assert.Contains("must be in USD", form.Find("#commit-max-price-error").TextContent, StringComparison.Ordinal);
        Assert.Equal(["quantity", "max_unit_price"], form.FindAll(".field-error").Select(e => e.GetAttribute("data-field")!));
        Assert.Contains("country_code: must be your own country", banner.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("must be at least 1", banner.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_input_of_the_procurement_forms_has_a_label()
    {
        var commit = Render<CommitForm>(p => p.Add(f => f.Pool, Pool(5, 7)).Add(f => f.CountryCode, "KZ"));
        var close = Render<ClosePoolForm>(p => p.Add(f => f.PoolId, "vectors"));

        AssertEveryInputLabelled(commit);
        AssertEveryInputLabelled(close);
        AssertEveryInputLabelled(Render<OpenPoolForm>());
    }

    [Fact]
    public void Opening_a_pool_sends_the_filled_tiers_in_the_pools_currency_and_the_times_as_utc()
    {
        OpenPoolRequest? sent = null;
        var item = new CatalogueItem { ItemId = "tocilizumab-400", Name = "Tocilizumab", Unit = "vial", Suppliers = { new Supplier { SupplierId = "demo-biosimilars", Name = "Demo Biosimilars", CountryCode = "IN" } } };
        var form = Render<OpenPoolForm>(p => p.Add(f => f.Items, [item]).Add(f => f.OnSubmit, (OpenPoolRequest r) => sent = r));

        form.Find("#pool-title").Change("Tocilizumab, 2028");
        form.Find("#pool-item").Change("tocilizumab-400");
        form.Find("#pool-supplier").Change("demo-biosimilars");
        form.Find("#pool-currency").Change("eur");
        form.Find("#tier-from-0").Change("1");
        form.Find("#tier-price-0").Change("500");
        form.Find("#tier-from-1").Change("50");
        form.Find("#tier-price-1").Change("447.25");
        form.Find("#pool-closes").Change("2027-03-01T12:00");
        form.Find("#pool-minimum").Change("100");
        form.Find("form").Submit();

        Assert.Equal(("Tocilizumab, 2028", "tocilizumab-400", "demo-biosimilars", "EUR", 100, 0), (sent!.Title, sent.ItemId, sent.SupplierId, sent.Currency, sent.MinimumVolume, sent.SupplyCap));
        Assert.Equal([(1, "EUR", 500L, 0), (50, "EUR", 447L, 250_000_000)], sent.PriceTiers.Select(t => (t.MinQuantity, t.UnitPrice.CurrencyCode, t.UnitPrice.Units, t.UnitPrice.Nanos)));
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero), sent.ClosesAt.ToDateTimeOffset());
        Assert.Null(sent.OpensAt);
    }

    private static void AssertEveryInputLabelled<T>(IRenderedComponent<T> form) where T : Microsoft.AspNetCore.Components.IComponent
    {
        var inputs = form.FindAll("input, select");
        Assert.NotEmpty(inputs);
        Assert.All(inputs, input => Assert.Single(form.FindAll($"label[for='{input.Id}']")));
    }

    [Fact]
    public void The_pool_marks_the_officers_own_commitment_and_shows_other_countries_only_in_the_total()
    {
        // As an admin's message holds them: even then the summary names no other country's figures.
        var pool = Pool(kzQuantity: 5, kzRevision: 7);
        pool.Commitments.Add(new Commitment
        {
            PoolId = "vectors",
            CountryCode = "UZ",
            Quantity = 3,
            MaxUnitPrice = Prices.ToMoney(155_000m, "USD"),
            DeliveryInstitutionId = "uz-tashkent-cell-lab",
            BudgetReference = "UZ-MOH-2027-CART-003",
            Revision = new Revision { Version = 8 },
        });

        var summary = Render<PoolSummary>(p => p.Add(s => s.Pool, pool).Add(s => s.CountryCode, "KZ"));

        Assert.Equal("10", summary.Find("[data-testid=pooled-total]").TextContent);
        Assert.Contains("160,000.00", summary.Find("[data-testid=own-commitment]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("UZ-MOH-2027-CART-003", summary.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("155,000", summary.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("uz-tashkent-cell-lab", summary.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lost_race_reloads_the_pool_says_what_changed_and_the_retry_names_the_new_revision()
    {
        SignIn("KZ", Roles.ProcurementOfficer);
        var current = Pool(kzQuantity: 5, kzRevision: 7);
        Gateway.On<GetPoolRequest, Pool>("GetPool", _ => current);
        Gateway.On<CommitRequest, Pool>("Commit", request => request.ExpectedRevision == current.Commitments[0].Revision.Version
            ? Pool(request.Quantity, 10)
            : throw new RpcException(new Status(StatusCode.Aborted, "the commitment changed")));
        var page = Render<PoolPage>(p => p.Add(x => x.PoolId, "vectors"));
        page.WaitForElement("[data-testid=commit-form]");

        // Another officer of KZ amends to 8 while this one types 6 over the 5 they read.
        current = Pool(kzQuantity: 8, kzRevision: 9);
        page.Find("#commit-quantity").Change("6");
        await page.Find("form.commit").SubmitAsync();

        page.WaitForAssertion(() => Assert.Equal(nameof(PortalErrorKind.Changed), page.Find("[data-testid=error]").GetAttribute("data-kind")));
        var note = page.Find("[data-testid=error-note]").TextContent;
        Assert.Contains("5 → 8", note, StringComparison.Ordinal);
        Assert.Contains("10 → 13", note, StringComparison.Ordinal);
        Assert.Equal("8", page.Find("#commit-quantity").GetAttribute("value"));
        Assert.Equal(7L, Gateway.Requests<CommitRequest>("Commit").Single().ExpectedRevision);

        await page.Find("form.commit").SubmitAsync();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=error]")));
        Assert.Equal(9L, Gateway.Requests<CommitRequest>("Commit").Last().ExpectedRevision);
        Assert.Equal("13", page.Find("[data-testid=pooled-total]").TextContent);
    }

    [Fact]
    public void An_officer_gets_no_table_of_commitments_and_an_admin_gets_every_one()
    {
        var pool = Pool(kzQuantity: 5, kzRevision: 7);
        Gateway.On<GetPoolRequest, Pool>("GetPool", _ => pool);
        var auth = SignIn("KZ", Roles.ProcurementOfficer);

        var officerPage = Render<PoolPage>(p => p.Add(x => x.PoolId, "vectors"));
        officerPage.WaitForElement("[data-testid=pool-summary]");
        Assert.Empty(officerPage.FindAll("[data-testid=commitments]"));
        Assert.NotEmpty(officerPage.FindAll("[data-testid=commit-form]"));

        auth.SetClaims(new Claim(PlatformClaims.Role, Roles.ConsortiumAdmin));
        var adminPage = Render<PoolPage>(p => p.Add(x => x.PoolId, "vectors"));
        adminPage.WaitForElement("[data-testid=commitments]");
        Assert.Single(adminPage.FindAll("[data-testid=commitments] tbody tr"));
        Assert.Empty(adminPage.FindAll("[data-testid=commit-form]"));
        Assert.NotEmpty(adminPage.FindAll("[data-testid=close-pool-form]"));
    }

    private Bunit.TestDoubles.BunitAuthorizationContext SignIn(string country, string role)
    {
        var auth = Auth;
        auth.SetAuthorized("officer");
        auth.SetClaims(new Claim(PlatformClaims.Country, country), new Claim(PlatformClaims.Role, role));
        return auth;
    }

    [Fact]
    public void A_pool_too_few_countries_have_committed_to_shows_the_officer_a_range_no_exact_total_and_no_chart()
    {
        // Two countries, so the service sent KZ's 5 plus the band UZ's lots reach (4 to 9), and no exact figure.
        var pool = Pool(kzQuantity: 5, kzRevision: 7);
        pool.Totals = new PoolTotals { Countries = 2, CommittedRange = new VolumeRange { AtLeast = 9, AtMost = 14 }, DisclosureCountries = 3 };

        var summary = Render<PoolSummary>(p => p.Add(s => s.Pool, pool).Add(s => s.CountryCode, "KZ"));

        Assert.Equal("9 to 14", summary.Find("[data-testid=pooled-range]").TextContent);
        Assert.Empty(summary.FindAll("[data-testid=pooled-total]"));
        Assert.Contains("3 countries", summary.Find("[data-testid=pool-undisclosed]").TextContent, StringComparison.Ordinal);
        Assert.Equal(Text["Pool_PriceUndisclosed", 3].Value, summary.Find("[data-testid=pool-price]").TextContent);
        Assert.DoesNotContain("<svg", summary.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_range_without_an_upper_bound_reads_at_least()
    {
        Assert.Equal("at least 55", PoolTotalsText.Range(Text, new VolumeRange { AtLeast = 55 }));
    }

    /// <summary>The demo vector pool as KZ's officer reads it: KZ's commitment, and 5 units of the others inside the totals.</summary>
    private static Pool Pool(int kzQuantity, long kzRevision)
    {
        var pool = new Pool
        {
            PoolId = "vectors",
            Title = "Vector lots",
            ItemId = "lv-cd19-vector-lot",
            ItemName = "Lentiviral vector lot",
            Unit = "lot",
            SupplierId = "demo-vector-gmbh",
            Currency = "USD",
            MinimumVolume = 4,
            SupplyCap = 12,
            Status = PoolStatus.Open,
            AcceptingCommitments = true,
            PriceTiers = { Tier(1, 185_000m), Tier(4, 152_500m), Tier(10, 128_750m) },
            Totals = new PoolTotals { CommittedVolume = kzQuantity + 5, Countries = 3, PricedVolume = kzQuantity + 5, Tier = Tier(10, 128_750m) },
        };
        if (kzQuantity > 0)
        {
            pool.Commitments.Add(new Commitment
            {
                PoolId = "vectors",
                CountryCode = "KZ",
                Quantity = kzQuantity,
                MaxUnitPrice = Prices.ToMoney(160_000m, "USD"),
                DeliveryInstitutionId = "kz-ncb-astana",
                BudgetReference = "KZ-MOH-2027-CART-005",
                Revision = new Revision { Version = kzRevision },
            });
        }
        return pool;
    }

    private static PriceTier Tier(int from, decimal usd) => new() { MinQuantity = from, UnitPrice = Prices.ToMoney(usd, "USD") };
}
