using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.Approvals.UseCases.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using Xunit;

namespace CarTConsortium.Approvals.Tests.UseCases;

/// <summary>
/// The request paths that once read whole collections (the matrix, renewals due, the usage
/// question), on random data: page after page they give exactly what a recomputation from
/// every stored document gives.
/// </summary>
public sealed class BoundedReadsTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    // Countries whose own agency decides (NATIONAL), so any of them takes any product.
    private static readonly string[] Countries = ["AM", "AZ", "GE", "KG", "KZ", "MN", "TJ", "UZ"];
    private static readonly Pathway[] Pathways = [Pathway.MarketingAuthorisation, Pathway.Conditional, Pathway.BreakthroughDesignation, Pathway.CompassionateUse];

    private readonly ApprovalsHarness _harness = new();
    private readonly Random _random = new(17);
    private readonly List<string> _products = [];

    private DateOnly Today => DateOnly.FromDateTime(_harness.Clock.GetUtcNow().UtcDateTime);

    public async ValueTask InitializeAsync()
    {
        foreach (var n in Enumerable.Range(0, 23).OrderBy(_ => _random.Next()))
        {
            _products.Add($"product-{n:D2}");
            await _harness.AnnounceAsync($"product-{n:D2}", $"Product {n}");
        }
        foreach (var code in Countries.Take(7))
        {
            await _harness.AdmitAsync(code);
        }
        var changes = new ChangeSet();
        foreach (var product in _products)
        {
            // Some products have nothing; the eighth country is not admitted, so its cells have no column.
            foreach (var country in Countries.Where(_ => _random.Next(3) == 0))
            {
                foreach (var pathway in Pathways.Where(_ => _random.Next(2) == 0))
                {
                    var authorisation = RandomAuthorisation(product, country, pathway);
                    changes.Insert(ApprovalsCollections.Authorisations, authorisation.AuthorisationId, authorisation);
                }
            }
        }
        await _harness.Store.CommitAsync(changes, None);
    }

    public ValueTask DisposeAsync()
    {
        _harness.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_matrix_pages_by_product_and_its_pages_together_are_the_whole_matrix_within_any_filters()
    {
        var all = await AllAsync();
        Assert.True(all.Count > 40, $"only {all.Count} authorisations generated");
        for (var round = 0; round < 12; round++)
        {
            var product = round % 4 == 3 ? _products[_random.Next(_products.Count)] : null;
            var country = round % 3 == 1 ? Countries[_random.Next(Countries.Length)] : null;
            var pathway = round % 2 == 1 ? Pathways[_random.Next(Pathways.Length)] : (Pathway?)null;
            var expected = Recomputed(all, product, country, pathway);

            var rows = new List<string>();
            var cells = new List<string>();
            var token = "";
            var pages = 0;
            do
            {
                var page = await new GetAuthorisationMatrix(_harness.Store, _harness.Clock)
                    .ExecuteAsync(new(product, country, pathway, _random.Next(1, 8), token), None);
                Assert.Equal(expected.CountryCodes, page.Matrix.CountryCodes);
                Assert.All(page.Matrix.Cells, c => Assert.Contains(c.ProductId, page.Matrix.ProductIds));
                rows.AddRange(page.Matrix.ProductIds);
                cells.AddRange(page.Matrix.Cells.Select(Describe));
                token = page.NextPageToken;
                pages++;
            }
            while (token.Length > 0 && pages < 100);

            Assert.Equal(expected.ProductIds, rows);
            Assert.Equal(expected.Cells.Select(Describe), cells);
        }
    }

    [Fact]
    public async Task Renewals_due_pages_together_are_every_approval_expiring_in_range_in_id_order()
    {
        var all = await AllAsync();
        foreach (var days in new[] { 1, 30, 45, 200, 730 })
        {
            foreach (var jurisdiction in new string?[] { null, "KZ", "MN" })
            {
                var expected = all.Where(a => a.Value.IsRenewalDue(Today, days) && (jurisdiction is null || a.Value.Jurisdiction == jurisdiction))
                    .Select(a => a.Id).Order(StringComparer.Ordinal).ToList();

                var found = new List<string>();
                var token = "";
                var pages = 0;
                do
                {
                    var page = await new ListRenewalsDue(_harness.Store, _harness.Clock).ExecuteAsync(new(days, jurisdiction, _random.Next(1, 9), token), None);
                    found.AddRange(page.Authorisations.Select(a => a.Id));
                    token = page.NextPageToken;
                    pages++;
                }
                while (token.Length > 0 && pages < 200);

                Assert.Equal(expected, found);
            }
        }
        Assert.Contains(all, a => a.Value.IsRenewalDue(Today, 45));
    }

    [Fact]
    public async Task The_usage_question_weighs_every_authorisation_of_the_product_in_the_country()
    {
        await _harness.InstitutionAsync("kz-astana-childrens", "KZ");
        var all = await AllAsync();
        var checkUsage = new CheckUsage(_harness.Store);
        foreach (var product in _products)
        {
            var answer = await checkUsage.ExecuteAsync(new(product, "KZ", 10, "r/r B-ALL", "kz-astana-childrens", DateParts.Of(Today)), None);

            // The rules order the verdicts their own way: the same candidates, in id order here.
            Assert.Equal(all.Where(a => a.Value is { Jurisdiction: "KZ" } && a.Value.ProductId == product).Select(a => a.Id),
                answer.Verdicts.Select(v => v.Candidate.Id).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task A_bad_page_size_or_token_is_invalid_argument_on_its_field()
    {
        async Task<string> FieldOf(Func<Task> call) => Assert.Single((await Assert.ThrowsAsync<InvalidArgumentException>(call)).Violations).Field;
        var matrix = new GetAuthorisationMatrix(_harness.Store, _harness.Clock);
        var renewals = new ListRenewalsDue(_harness.Store, _harness.Clock);

        Assert.Equal("page.page_token", await FieldOf(() => matrix.ExecuteAsync(new(PageToken: "not-a-token"), None)));
        Assert.Equal("page.page_token", await FieldOf(() => matrix.ExecuteAsync(new(PageToken: "!!"), None)));
        Assert.Equal("page.page_size", await FieldOf(() => matrix.ExecuteAsync(new(PageSize: -1), None)));
        Assert.Equal("page.page_size", await FieldOf(() => matrix.ExecuteAsync(new(PageSize: DocumentQuery.MaxLimit + 1), None)));
        Assert.Equal("page.page_token", await FieldOf(() => renewals.ExecuteAsync(new(30, PageToken: "not-a-token"), None)));
        Assert.Equal("page.page_size", await FieldOf(() => renewals.ExecuteAsync(new(30, PageSize: -1), None)));
    }

    [Fact]
    public async Task A_product_filter_gives_its_row_once_and_an_unknown_product_no_row()
    {
        var matrix = new GetAuthorisationMatrix(_harness.Store, _harness.Clock);
        var first = await matrix.ExecuteAsync(new("product-05", PageSize: 1), None);
        var unknown = await matrix.ExecuteAsync(new("product-99"), None);

        Assert.Equal(["product-05"], first.Matrix.ProductIds);
        Assert.Equal("", first.NextPageToken);
        Assert.Empty(unknown.Matrix.ProductIds);
        Assert.Empty(unknown.Matrix.Cells);
    }

    private static string Describe(AuthorisationMatrix.Cell cell) =>
        $"{cell.ProductId}/{cell.CountryCode}:{string.Join(',', cell.Entries.Select(e => $"{e.AuthorisationId}={e.Status}"))}:{cell.UsableToday}";

    /// <summary>The whole matrix within the filters, from every stored document: what the pages must add up to.</summary>
    private AuthorisationMatrix Recomputed(IReadOnlyList<Stored<Authorisation>> all, string? product, string? country, Pathway? pathway)
    {
        var products = _products.Where(p => product is null || p == product).Order(StringComparer.Ordinal).ToList();
        var countries = Countries.Take(7).Where(c => country is null || c == country).Order(StringComparer.Ordinal).ToList();
        var within = all.Select(a => a.Value).Where(a => (product is null || a.ProductId == product) && (country is null || a.Jurisdiction == country)
            && (pathway is null || a.Pathway == pathway));
        var byId = all.ToDictionary(a => a.Id, a => a.Value, StringComparer.Ordinal);
        return AuthorisationMatrix.Of(products, countries, within, byId.GetValueOrDefault, Today);
    }

    private Task<List<Stored<Authorisation>>> AllAsync() => _harness.Store.QueryAllAsync(ApprovalsCollections.Authorisations, DocumentQuery.All, None);

    /// <summary>An authorisation in a random status, reached through the legal steps, approvals expiring from 40 days ago to 800 days ahead.</summary>
    private Authorisation RandomAuthorisation(string product, string country, Pathway pathway)
    {
        // Decided in the past: an expiry before today is an approval the expiry job has not reached yet.
        var decidedBy = Today.AddDays(-65);
        var planned = Authorisation.Record(product, country, Authority.National, pathway, new ScopeInput("r/r B-ALL", 0, 25, []), null,
            _harness.Clock.GetUtcNow().AddDays(-120));
        var underReview = planned.ChangeStatus(AuthorisationStatus.Submitted, DateParts.Of(Today.AddDays(-100)), null, null, null, decidedBy)
            .ChangeStatus(AuthorisationStatus.UnderReview, null, null, null, null, decidedBy);
        var expires = _random.Next(5) == 0 ? (DateOnly?)null : Today.AddDays(_random.Next(-40, 800));
        Authorisation Decide(AuthorisationStatus status) => underReview.ChangeStatus(status, null, DateParts.Of(Today.AddDays(-70)), DateParts.Of(Today.AddDays(-60)),
            expires is { } last ? DateParts.Of(last) : null, decidedBy);
        return _random.Next(6) switch
        {
            0 => planned,
            1 => underReview,
            2 => Decide(AuthorisationStatus.ConditionallyApproved),
            3 => Decide(AuthorisationStatus.Approved).ChangeStatus(AuthorisationStatus.Suspended, null, null, null, null, decidedBy),
            _ => Decide(AuthorisationStatus.Approved),
        };
    }
}
