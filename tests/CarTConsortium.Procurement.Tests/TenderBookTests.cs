using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Procurement.V1;
using CarTConsortium.Procurement.Tenders;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Tender = CarTConsortium.Procurement.Tenders.Tender;
using TenderStatus = CarTConsortium.Procurement.Tenders.TenderStatus;

namespace CarTConsortium.Procurement.Tests;

/// <summary>The tender use cases on a real SQLite file.</summary>
public sealed class TenderBookTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-procurement-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.Zero));
    private readonly SqliteDocumentStore _store;
    private readonly TenderBook _book;

    public TenderBookTests()
    {
        _store = new SqliteDocumentStore(Path.Combine(_folder, "procurement.db"), new OutboxSignal());
        _book = new TenderBook(_store, _clock);
    }

    [Fact]
    public async Task An_opened_tender_reads_back_as_it_was_opened()
    {
        var opened = await OpenAsync("Lentiviral vector lot");

        var read = await _book.GetAsync(opened.Id, CancellationToken.None);

        Assert.Equal(1, read.Version);
        Assert.True(Guid.TryParse(read.Id, out var id));
        Assert.Equal(7, id.Version);
        Assert.Equal(opened.Value.TenderId, read.Value.TenderId);
        Assert.Equal("Lentiviral vector lot", read.Value.Item);
        Assert.Equal(opened.Value.PriceTiers, read.Value.PriceTiers);
        Assert.Equal([1, 10, 50], read.Value.PriceTiers.Select(t => t.MinQuantity));
        Assert.Equal([120m, 99.99m, 80.000000001m], read.Value.PriceTiers.Select(t => t.UnitPrice));
        Assert.Equal("USD", read.Value.Currency);
        Assert.Equal(_clock.GetUtcNow().AddDays(60), read.Value.ClosesAt);
        Assert.Equal(TenderStatus.Open, read.Value.Status);
        Assert.Equal(_clock.GetUtcNow(), read.Value.OpenedAt);
    }

    [Fact]
    public async Task Opening_raises_one_TenderOpened_that_carries_the_whole_tender()
    {
        var opened = await OpenAsync("Tocilizumab vial");

        var message = Assert.Single(await _store.ReadPendingAsync(10));

        Assert.Equal("consortium.procurement.v1.TenderOpened", message.Topic);
        Assert.Equal(_clock.GetUtcNow(), message.OccurredAt);
        var raised = TenderOpened.Parser.ParseJson(message.Payload).Tender;
        Assert.Equal(ProcurementMapping.ToContract(opened), raised);
        Assert.Equal(opened.Id, raised.TenderId);
        Assert.Equal(CarTConsortium.Contracts.Procurement.V1.TenderStatus.Open, raised.Status);
        Assert.Equal(80, raised.PriceTiers[2].UnitPrice.Units);
        Assert.Equal(1, raised.PriceTiers[2].UnitPrice.Nanos);
        Assert.Equal("USD", raised.PriceTiers[2].UnitPrice.CurrencyCode);
        Assert.Equal(1, raised.Revision.Version);
    }

    [Fact]
    public async Task A_tender_that_breaks_a_rule_writes_nothing()
    {
        await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _book.OpenAsync("Vector lot", "lot", [new ProposedTier(1, new MoneyAmount("USD", 10, 0))], _clock.GetUtcNow(), CancellationToken.None));

        Assert.Empty((await _store.QueryAsync(Tender.Collection, DocumentQuery.All)).Items);
        Assert.Empty(await _store.ReadPendingAsync(10));
    }

    [Fact]
    public async Task The_list_filters_on_status_and_pages()
    {
        var opened = new List<string>();
        foreach (var item in new[] { "Vector lot", "Tubing set", "Tocilizumab vial" })
        {
            opened.Add((await OpenAsync(item)).Id);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }
        // Nothing closes a tender yet, so the closed one goes straight into the store.
        var closing = Tender.Open(Guid.CreateVersion7(_clock.GetUtcNow()).ToString(), "Cytokine kit", "kit",
            [new ProposedTier(1, new MoneyAmount("USD", 5, 0))], _clock.GetUtcNow().AddDays(1), _clock.GetUtcNow());
        var closed = closing with { Status = TenderStatus.Closed };
        await _store.CommitAsync(new ChangeSet().Insert(Tender.Collection, closed.TenderId, closed));

        var first = await _book.ListAsync(2, null, TenderStatus.Open, CancellationToken.None);
        var second = await _book.ListAsync(2, first.NextPageToken, TenderStatus.Open, CancellationToken.None);
        var closedOnes = await _book.ListAsync(0, null, TenderStatus.Closed, CancellationToken.None);
        var all = await _book.ListAsync(0, null, null, CancellationToken.None);

        Assert.Equal(opened.Take(2), first.Tenders.Select(t => t.Id));
        Assert.NotEmpty(first.NextPageToken);
        Assert.Equal(opened.Skip(2), second.Tenders.Select(t => t.Id));
        Assert.Empty(second.NextPageToken);
        Assert.Equal([closed.TenderId], closedOnes.Tenders.Select(t => t.Id));
        Assert.Equal([.. opened, closed.TenderId], all.Tenders.Select(t => t.Id));
        Assert.Empty(all.NextPageToken);
    }

    [Fact]
    public async Task A_missing_tender_is_not_found_and_a_malformed_id_is_invalid()
    {
        await OpenAsync("Vector lot");

        await Assert.ThrowsAsync<NotFoundException>(() => _book.GetAsync(Guid.CreateVersion7().ToString(), CancellationToken.None));
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _book.GetAsync("not-a-tender", CancellationToken.None));
        Assert.Equal("tender_id", Assert.Single(invalid.Violations).Field);
        await Assert.ThrowsAsync<InvalidArgumentException>(() => _book.GetAsync(Guid.CreateVersion7().ToString().ToUpperInvariant(), CancellationToken.None));
    }

    [Fact]
    public async Task A_bad_page_is_invalid()
    {
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _book.ListAsync(201, "garbage", null, CancellationToken.None));

        Assert.Equal(["page.page_size", "page.page_token"], invalid.Violations.Select(v => v.Field));
    }

    [Fact]
    public void The_contract_status_filter_maps_unspecified_to_all_and_refuses_unknown_numbers()
    {
        Assert.Null(ProcurementMapping.StatusFilter(Contracts.Procurement.V1.TenderStatus.Unspecified));
        Assert.Equal(TenderStatus.Open, ProcurementMapping.StatusFilter(Contracts.Procurement.V1.TenderStatus.Open));
        Assert.Equal(TenderStatus.Closed, ProcurementMapping.StatusFilter(Contracts.Procurement.V1.TenderStatus.Closed));
        var invalid = Assert.Throws<InvalidArgumentException>(() => ProcurementMapping.StatusFilter((Contracts.Procurement.V1.TenderStatus)7));
        Assert.Equal("status", Assert.Single(invalid.Violations).Field);
    }

    [Fact]
    public void A_timestamp_outside_protobufs_range_is_invalid()
    {
        Assert.Null(ProcurementMapping.FromContract((Google.Protobuf.WellKnownTypes.Timestamp?)null));
        var invalid = Assert.Throws<InvalidArgumentException>(() =>
            ProcurementMapping.FromContract(new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MaxValue }));
        Assert.Equal("closes_at", Assert.Single(invalid.Violations).Field);
    }

    [Fact]
    public async Task The_demo_tenders_are_opened_once_into_an_empty_store()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(FederationSettings.OneIssuer);
        builder.Services.AddSingleton<IDocumentStore>(_store);
        builder.Services.AddSingleton<TimeProvider>(_clock);
        var module = new ProcurementModule();
        module.AddServices(builder);
        // The module's registrations are what matter here; no server is built.
        await using var services = builder.Services.BuildServiceProvider();

        await module.SeedDemoDataAsync(services, CancellationToken.None);
        await module.SeedDemoDataAsync(services, CancellationToken.None);

        var tenders = (await _book.ListAsync(0, null, TenderStatus.Open, CancellationToken.None)).Tenders;
        Assert.Equal(2, tenders.Count);
        Assert.All(tenders, t => Assert.Equal(3, t.Value.PriceTiers.Count));
        Assert.All(tenders, t => Assert.Equal("USD", t.Value.Currency));
        Assert.Equal([_clock.GetUtcNow().AddDays(60), _clock.GetUtcNow().AddDays(90)], tenders.Select(t => t.Value.ClosesAt).Order());
        Assert.Equal(2, (await _store.ReadPendingAsync(10)).Count);
        Assert.Equal("procurement", module.AppId);
    }

    private Task<Stored<Tender>> OpenAsync(string item) => _book.OpenAsync(item, "lot",
        [
            new ProposedTier(1, new MoneyAmount("USD", 120, 0)),
            new ProposedTier(10, new MoneyAmount("USD", 99, 990_000_000)),
            new ProposedTier(50, new MoneyAmount("USD", 80, 1)),
        ],
        _clock.GetUtcNow().AddDays(60), CancellationToken.None);

    public void Dispose()
    {
        _folder.Dispose();
    }
}
