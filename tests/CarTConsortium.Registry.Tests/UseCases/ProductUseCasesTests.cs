using System.Buffers.Text;
using System.Text;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Products;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using CellSource = CarTConsortium.Registry.Domain.Products.CellSource;
using Product = CarTConsortium.Registry.Domain.Products.Product;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>The catalogue's use cases on a real SQLite file.</summary>
public sealed class ProductUseCasesTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-registry-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.Zero));
    private readonly SqliteDocumentStore _store;
    private readonly RegistryUseCases _registry;

    public ProductUseCasesTests()
    {
        _store = new SqliteDocumentStore(Path.Combine(_folder, "registry.db"), new OutboxSignal());
        _registry = new RegistryUseCases(_store, _clock, new Pseudonymiser(RegistryWorld.Secrets()));
    }

    [Fact]
    public async Task A_registered_product_reads_back_as_it_was_registered()
    {
        var registered = await _registry.RegisterProduct.ExecuteAsync(new RegisterProductCommand("nexcar19", " NexCAR19 ", "CD19", CellSource.Autologous, "ImmunoACT / IIT Bombay "), CancellationToken.None);

        var read = await _registry.GetProduct.ExecuteAsync(new GetProductCommand("nexcar19"), CancellationToken.None);

        Assert.Equal(registered, read);
        Assert.Equal("nexcar19", read.Id);
        Assert.Equal(1, read.Version);
        Assert.Equal(new Product("nexcar19", "NexCAR19", "CD19", CellSource.Autologous, "ImmunoACT / IIT Bombay", _clock.GetUtcNow()), read.Value);
    }

    [Fact]
    public async Task Registering_raises_one_ProductRegistered_that_carries_the_whole_product()
    {
        var registered = await _registry.RegisterProduct.ExecuteAsync(new RegisterProductCommand("nexcar19", "NexCAR19", "CD19", CellSource.Autologous, "ImmunoACT / IIT Bombay"), CancellationToken.None);

        var message = Assert.Single(await _store.ReadPendingAsync(10, CancellationToken.None));

        Assert.Equal("consortium.registry.v1.ProductRegistered", message.Topic);
        Assert.Equal(_clock.GetUtcNow(), message.OccurredAt);
        Assert.True(Guid.TryParse(message.Id, out var id));
        Assert.Equal(7, id.Version);
        var raised = ProductRegistered.Parser.ParseJson(message.Payload).Product;
        Assert.Equal(new Contracts.Registry.V1.Product
        {
            ProductId = "nexcar19",
            Name = "NexCAR19",
            TargetAntigen = "CD19",
            CellSource = Contracts.Registry.V1.CellSource.Autologous,
            Manufacturer = "ImmunoACT / IIT Bombay",
            RegisteredAt = Timestamp.FromDateTimeOffset(_clock.GetUtcNow()),
            Revision = new Contracts.Common.V1.Revision { Version = 1 },
        }, raised);
        Assert.Equal(registered.Value.RegisteredAt, raised.RegisteredAt.ToDateTimeOffset());
    }

    [Fact]
    public async Task An_allogeneic_product_is_announced_as_allogeneic()
    {
        await _registry.RegisterProduct.ExecuteAsync(new RegisterProductCommand("ucart19", "UCART19", "CD19", CellSource.Allogeneic, "Servier"), CancellationToken.None);

        var message = Assert.Single(await _store.ReadPendingAsync(10, CancellationToken.None));

        Assert.Equal(Contracts.Registry.V1.CellSource.Allogeneic, ProductRegistered.Parser.ParseJson(message.Payload).Product.CellSource);
        Assert.Equal(CellSource.Allogeneic, (await _registry.GetProduct.ExecuteAsync(new GetProductCommand("ucart19"), CancellationToken.None)).Value.CellSource);
    }

    [Fact]
    public async Task A_taken_id_is_refused_as_already_existing_and_neither_the_product_nor_the_outbox_changes()
    {
        var first = await _registry.RegisterProduct.ExecuteAsync(new RegisterProductCommand("nexcar19", "NexCAR19", "CD19", CellSource.Autologous, "ImmunoACT / IIT Bombay"), CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(1));

        var refused = await Assert.ThrowsAsync<DocumentExistsException>(() =>
            _registry.RegisterProduct.ExecuteAsync(new RegisterProductCommand("nexcar19", "Another NexCAR19", "BCMA", CellSource.Allogeneic, "Someone else"), CancellationToken.None));

        Assert.IsAssignableFrom<AlreadyExistsException>(refused);
        Assert.Contains("'nexcar19'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(first, await _registry.GetProduct.ExecuteAsync(new GetProductCommand("nexcar19"), CancellationToken.None));
        var message = Assert.Single(await _store.ReadPendingAsync(10, CancellationToken.None));
        Assert.Equal("NexCAR19", ProductRegistered.Parser.ParseJson(message.Payload).Product.Name);
    }

    [Fact]
    public async Task A_product_that_breaks_a_rule_writes_nothing()
    {
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _registry.RegisterProduct.ExecuteAsync(new RegisterProductCommand("NexCAR19", "NexCAR19", "CD19", null, "ImmunoACT"), CancellationToken.None));

        Assert.Equal(["product_id", "cell_source"], invalid.Violations.Select(v => v.Field));
        Assert.Empty((await _store.QueryAsync(RegistryCollections.Products, DocumentQuery.All, CancellationToken.None)).Items);
        Assert.Empty(await _store.ReadPendingAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task The_list_filters_on_manufacturer_and_pages_in_id_order()
    {
        await RegisterAsync("tisagenlecleucel", "Novartis");
        await RegisterAsync("axicabtagene", "Kite");
        await RegisterAsync("nexcar19", "ImmunoACT");
        await RegisterAsync("ctl019", " Novartis ");
        await RegisterAsync("rapcabtagene", "Novartis");

        var first = await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(2, null, "Novartis"), CancellationToken.None);
        var second = await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(2, first.NextPageToken, "Novartis"), CancellationToken.None);
        var kite = await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(0, null, "Kite"), CancellationToken.None);
        var nobody = await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(0, null, "novartis"), CancellationToken.None);
        var all = await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(0, null, null), CancellationToken.None);
        var allUnfiltered = await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(0, null, ""), CancellationToken.None);

        Assert.Equal(["ctl019", "rapcabtagene"], first.Products.Select(p => p.Id));
        Assert.NotEmpty(first.NextPageToken);
        Assert.Equal(["tisagenlecleucel"], second.Products.Select(p => p.Id));
        Assert.Empty(second.NextPageToken);
        Assert.Equal(["axicabtagene"], kite.Products.Select(p => p.Id));
        Assert.Empty(kite.NextPageToken);
        Assert.Empty(nobody.Products);
        Assert.Equal(["axicabtagene", "ctl019", "nexcar19", "rapcabtagene", "tisagenlecleucel"], all.Products.Select(p => p.Id));
        Assert.Empty(all.NextPageToken);
        Assert.Equal(all.Products, allUnfiltered.Products);
    }

    [Fact]
    public async Task A_full_last_page_still_ends_the_list_and_the_token_survives_inserts_before_it()
    {
        await RegisterAsync("bb", "Novartis");
        await RegisterAsync("dd", "Novartis");
        await RegisterAsync("ff", "Novartis");
        await RegisterAsync("hh", "Novartis");

        var first = await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(2, null, null), CancellationToken.None);
        await RegisterAsync("aa", "Novartis");
        await RegisterAsync("ee", "Novartis");
        var second = await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(3, first.NextPageToken, null), CancellationToken.None);

        Assert.Equal(["bb", "dd"], first.Products.Select(p => p.Id));
        Assert.Equal(["ee", "ff", "hh"], second.Products.Select(p => p.Id));
        Assert.Empty(second.NextPageToken);
    }

    [Fact]
    public async Task Page_sizes_from_0_to_200_are_accepted()
    {
        await RegisterAsync("nexcar19", "ImmunoACT");

        foreach (var size in new[] { 0, 1, 50, 200 })
        {
            Assert.Equal(["nexcar19"], (await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(size, null, null), CancellationToken.None)).Products.Select(p => p.Id));
        }
    }

    public static TheoryData<string> ForgedTokens => new(
        "garbage",
        "!!not-base64!!",
        "a",
        Token("before:nexcar19"),
        Token("after:"),
        Token("after"),
        Token("AFTER:nexcar19"));

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task A_token_the_list_did_not_return_is_invalid(string token)
    {
        await RegisterAsync("nexcar19", "ImmunoACT");

        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _registry.ListProducts.ExecuteAsync(new ListProductsCommand(10, token, null), CancellationToken.None));

        Assert.Equal(new FieldViolation("page.page_token", "is not a token this list returned"), Assert.Single(invalid.Violations));
    }

    [Theory]
    [InlineData(201)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public async Task A_page_size_outside_0_to_200_is_invalid(int pageSize)
    {
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _registry.ListProducts.ExecuteAsync(new ListProductsCommand(pageSize, null, null), CancellationToken.None));

        Assert.Equal("page.page_size", Assert.Single(invalid.Violations).Field);
    }

    [Fact]
    public async Task A_bad_size_and_a_bad_token_are_reported_together()
    {
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _registry.ListProducts.ExecuteAsync(new ListProductsCommand(201, "garbage", "Novartis"), CancellationToken.None));

        Assert.Equal(["page.page_size", "page.page_token"], invalid.Violations.Select(v => v.Field));
    }

    [Theory]
    [InlineData("")]
    [InlineData("N")]
    [InlineData("NexCAR19")]
    [InlineData("-nexcar19")]
    [InlineData("nex car19")]
    [InlineData("nexcar19/../x")]
    public async Task Getting_a_malformed_id_is_invalid(string productId)
    {
        await RegisterAsync("nexcar19", "ImmunoACT");

        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _registry.GetProduct.ExecuteAsync(new GetProductCommand(productId), CancellationToken.None));

        Assert.Equal("product_id", Assert.Single(invalid.Violations).Field);
    }

    [Fact]
    public async Task Getting_a_product_nobody_registered_is_not_found()
    {
        await RegisterAsync("nexcar19", "ImmunoACT");

        var missing = await Assert.ThrowsAsync<NotFoundException>(() => _registry.GetProduct.ExecuteAsync(new GetProductCommand("tisagenlecleucel"), CancellationToken.None));

        Assert.Equal("No product 'tisagenlecleucel' is registered.", missing.Message);
    }

    [Fact]
    public async Task The_demo_products_are_registered_once_into_an_empty_catalogue()
    {
        var module = new RegistryModule();
        await using var services = ModuleWiring.Services(module, _store, _clock);

        await module.SeedDemoDataAsync(services, CancellationToken.None);
        await module.SeedDemoDataAsync(services, CancellationToken.None);

        var products = (await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(0, null, null), CancellationToken.None)).Products;
        Assert.Equal(["ncb-cd19-academic", "nexcar19", "pcar-19b", "tisagenlecleucel"], products.Select(p => p.Id));
        Assert.All(products, p => Assert.Equal(1, p.Version));
        Assert.All(products, p => Assert.Equal("CD19", p.Value.TargetAntigen));
        Assert.All(products, p => Assert.Equal(CellSource.Autologous, p.Value.CellSource));
        Assert.All(products, p => Assert.Equal(_clock.GetUtcNow(), p.Value.RegisteredAt));
        Assert.Equal("Novartis", products[^1].Value.Manufacturer);
        var announced = (await _store.ReadPendingAsync(100, CancellationToken.None)).Where(m => m.Topic == "consortium.registry.v1.ProductRegistered");
        Assert.Equal(["tisagenlecleucel", "pcar-19b", "nexcar19", "ncb-cd19-academic"],
            announced.Select(m => ProductRegistered.Parser.ParseJson(m.Payload).Product.ProductId));
        Assert.Equal("registry", module.AppId);
    }

    [Fact]
    public async Task The_demo_products_leave_a_catalogue_that_has_products_alone()
    {
        await RegisterAsync("ucart19", "Servier");
        var module = new RegistryModule();
        await using var services = ModuleWiring.Services(module, _store, _clock);

        await module.SeedDemoDataAsync(services, CancellationToken.None);

        Assert.Equal(["ucart19"], (await _registry.ListProducts.ExecuteAsync(new ListProductsCommand(0, null, null), CancellationToken.None)).Products.Select(p => p.Id));
        Assert.Single(await _store.ReadPendingAsync(100, CancellationToken.None), m => m.Topic == "consortium.registry.v1.ProductRegistered");
    }

    private Task<Stored<Product>> RegisterAsync(string productId, string manufacturer) =>
        _registry.RegisterProduct.ExecuteAsync(new RegisterProductCommand(productId, productId.ToUpperInvariant(), "CD19", CellSource.Autologous, manufacturer), CancellationToken.None);

    private static string Token(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        _folder.Dispose();
    }
}
