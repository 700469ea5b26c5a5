using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Storage;
using CarTConsortium.Procurement.UseCases.Items;
using Xunit;
using static CarTConsortium.Procurement.Tests.UseCases.UseCaseSamples;

namespace CarTConsortium.Procurement.Tests.UseCases;

/// <summary>The catalogue's use cases on a real SQLite file: registering, updating with a revision, and listing by category.</summary>
public sealed class CatalogueUseCaseTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>Everything an admin sends to register an item.</summary>
    public sealed record Draft(string? ItemId, string? Name, ItemCategory? Category, string? Unit, int PackSize, string? PackContents, Supplier?[]? Suppliers);

    private static readonly Draft Valid = new(Item, "Tocilizumab 400 mg/20 mL", ItemCategory.SupportiveMedicine, "vial", 1, "vial, 400 mg/20 mL", Suppliers());

    private static readonly Supplier Wholesale = new(SupplierId, "Pharma Wholesale AG", "CH");

    /// <summary>Each way to break exactly one rule of <see cref="Valid"/>, and the one field that must be named.</summary>
    private static readonly Dictionary<string, (Func<Draft, Draft> Break, string Field)> SingleRuleCases = new(StringComparer.Ordinal)
    {
        ["item id missing"] = (d => d with { ItemId = null }, "item_id"),
        ["item id in upper case"] = (d => d with { ItemId = "Tocilizumab-400" }, "item_id"),
        ["item id of one character"] = (d => d with { ItemId = "t" }, "item_id"),
        ["name blank"] = (d => d with { Name = "  " }, "name"),
        ["name too long"] = (d => d with { Name = new string('n', 201) }, "name"),
        ["category missing"] = (d => d with { Category = null }, "category"),
        ["category not one of the categories"] = (d => d with { Category = (ItemCategory)99 }, "category"),
        ["unit missing"] = (d => d with { Unit = "" }, "unit"),
        ["unit too long"] = (d => d with { Unit = new string('u', 41) }, "unit"),
        ["pack size 0"] = (d => d with { PackSize = 0 }, "pack_size"),
        ["pack size negative"] = (d => d with { PackSize = -1 }, "pack_size"),
        ["pack size above the most"] = (d => d with { PackSize = 100_001 }, "pack_size"),
        ["pack contents too long"] = (d => d with { PackContents = new string('c', 201) }, "pack_contents"),
        ["suppliers missing"] = (d => d with { Suppliers = null }, "suppliers"),
        ["no supplier"] = (d => d with { Suppliers = [] }, "suppliers"),
        ["21 suppliers"] = (d => d with { Suppliers = [.. Enumerable.Range(1, 21).Select(i => new Supplier($"supplier-{i:D2}", $"Supplier {i}", "CH"))] },
            "suppliers"),
        ["a supplier missing"] = (d => d with { Suppliers = [Wholesale, null] }, "suppliers[1]"),
        ["a supplier id not a slug"] = (d => d with { Suppliers = [Wholesale with { SupplierId = "Pharma Wholesale" }] }, "suppliers[0].supplier_id"),
        ["a supplier listed twice"] = (d => d with { Suppliers = [Wholesale, Wholesale with { Name = "Pharma Wholesale (Basel)" }] },
            "suppliers[1].supplier_id"),
        ["a supplier's name blank"] = (d => d with { Suppliers = [Wholesale, new Supplier(OtherSupplierId, " ", "IN")] }, "suppliers[1].name"),
        ["a supplier's country in lower case"] = (d => d with { Suppliers = [Wholesale with { CountryCode = "ch" }] }, "suppliers[0].country_code"),
        ["a supplier's country of three letters"] = (d => d with { Suppliers = [Wholesale, new Supplier(OtherSupplierId, "Biosimilars Ltd", "IND")] },
            "suppliers[1].country_code"),
    };

    private readonly ProcurementHarness _harness = new();

    public static TheoryData<string> SingleRuleCaseNames => new(SingleRuleCases.Keys);

    public void Dispose() => _harness.Dispose();

    [Theory]
    [MemberData(nameof(SingleRuleCaseNames))]
    public async Task Registering_with_one_broken_rule_names_its_field_alone_and_writes_nothing(string name)
    {
        var (breakRule, field) = SingleRuleCases[name];

        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => Register(breakRule(Valid)));

        Assert.Equal([field], error.Violations.Select(v => v.Field));
        Assert.Equal(0, await _harness.CountAsync(ProcurementCollections.CatalogueItems));
    }

    [Fact]
    public async Task Every_broken_rule_of_a_registration_is_reported_at_once()
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            Register(new Draft("X", "", null, null, 0, null, [Wholesale with { CountryCode = "" }, Wholesale])));

        Assert.Equal(["item_id", "category", "name", "suppliers[0].country_code", "suppliers[1].supplier_id", "unit", "pack_size"],
            error.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task A_registered_item_reads_back_trimmed_at_version_1_with_the_clocks_time()
    {
        var registered = await Register(Valid with
        {
            Name = "  Tocilizumab 400 mg/20 mL ",
            Unit = " vial ",
            Suppliers = [Wholesale with { Name = " Pharma Wholesale AG " }]
        });

        var read = await _harness.GetItem.ExecuteAsync(new GetItemCommand(Item), None);

        Assert.Equal((Item, 1L), (registered.Id, registered.Version));
        Assert.Equal(1, read.Version);
        Assert.Equal(("Tocilizumab 400 mg/20 mL", ItemCategory.SupportiveMedicine, "vial", 1, "vial, 400 mg/20 mL", Start),
            (read.Value.Name, read.Value.Category, read.Value.Unit, read.Value.PackSize, read.Value.PackContents, read.Value.RegisteredAt));
        Assert.Equal([Wholesale], read.Value.Suppliers);
    }

    [Fact]
    public async Task A_taken_item_id_is_already_exists_and_keeps_the_first_item()
    {
        await Register(Valid);

        await Assert.ThrowsAnyAsync<AlreadyExistsException>(() => Register(Valid with { Name = "Another tocilizumab" }));

        var kept = await _harness.GetItem.ExecuteAsync(new GetItemCommand(Item), None);
        Assert.Equal((1L, "Tocilizumab 400 mg/20 mL"), (kept.Version, kept.Value.Name));
    }

    [Fact]
    public async Task Of_concurrent_registrations_of_one_id_exactly_one_lands_and_the_others_are_already_exists()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await Register(Valid with { Name = $"Tocilizumab, offer {i}" });
                return "registered";
            }
            catch (AlreadyExistsException)
            {
                return "exists";
            }
        })));

        Assert.Equal(1, outcomes.Count(o => o == "registered"));
        Assert.Equal(7, outcomes.Count(o => o == "exists"));
        Assert.Equal(1, await _harness.CountAsync(ProcurementCollections.CatalogueItems));
    }

    [Fact]
    public async Task A_rename_that_adds_a_supplier_bumps_the_revision_and_keeps_unit_pack_and_registration_time()
    {
        await Register(Valid);
        _harness.Clock.Advance(TimeSpan.FromDays(1));
        var added = new Supplier("generics-direct", "Generics Direct", "DE");

        var updated = await _harness.UpdateItem.ExecuteAsync(new UpdateItemCommand(Item, 1, "Tocilizumab 400 mg/20 mL, IV", "vial, 400 mg/20 mL", [.. Suppliers(), added]), None);

        var read = await _harness.GetItem.ExecuteAsync(new GetItemCommand(Item), None);
        Assert.Equal(2, updated.Version);
        Assert.Equal(2, read.Version);
        Assert.Equal(("Tocilizumab 400 mg/20 mL, IV", "vial", 1, Start), (read.Value.Name, read.Value.Unit, read.Value.PackSize, read.Value.RegisteredAt));
        Assert.Equal([SupplierId, OtherSupplierId, "generics-direct"], read.Value.Suppliers.Select(s => s.SupplierId));
    }

    [Fact]
    public async Task An_update_naming_a_stale_revision_is_aborted_and_changes_nothing()
    {
        await Register(Valid);
        await _harness.UpdateItem.ExecuteAsync(new UpdateItemCommand(Item, 1, "Tocilizumab, renamed", null, Suppliers()), None);

        await Assert.ThrowsAsync<CallerRevisionStaleException>(() => _harness.UpdateItem.ExecuteAsync(new UpdateItemCommand(Item, 1, "Tocilizumab, from a stale view", null, Suppliers()), None));

        var read = await _harness.GetItem.ExecuteAsync(new GetItemCommand(Item), None);
        Assert.Equal((2L, "Tocilizumab, renamed"), (read.Version, read.Value.Name));
    }

    [Fact]
    public async Task Of_concurrent_updates_from_one_revision_exactly_one_lands_and_the_others_are_aborted()
    {
        await Register(Valid);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => Task.Run(async () =>
        {
            try
            {
                await _harness.UpdateItem.ExecuteAsync(new UpdateItemCommand(Item, 1, $"Tocilizumab, name {i}", null, Suppliers()), None);
                return "updated";
            }
            catch (ConcurrencyConflictException)
            {
                return "aborted";
            }
        })));

        Assert.Equal(1, outcomes.Count(o => o == "updated"));
        Assert.Equal(5, outcomes.Count(o => o == "aborted"));
        Assert.Equal(2, (await _harness.GetItem.ExecuteAsync(new GetItemCommand(Item), None)).Version);
    }

    [Fact]
    public async Task Removing_a_listed_supplier_is_failed_precondition_naming_it_and_changes_nothing()
    {
        await Register(Valid);

        var error = await Assert.ThrowsAsync<RuleViolationException>(() =>
            _harness.UpdateItem.ExecuteAsync(new UpdateItemCommand(Item, 1, "Tocilizumab, one supplier", null, [Wholesale]), None));

        Assert.Contains(OtherSupplierId, error.Message, StringComparison.Ordinal);
        var read = await _harness.GetItem.ExecuteAsync(new GetItemCommand(Item), None);
        Assert.Equal((1L, "Tocilizumab 400 mg/20 mL", 2), (read.Version, read.Value.Name, read.Value.Suppliers.Count));
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_nothing()
    {
        await Register(Valid);

        var same = await _harness.UpdateItem.ExecuteAsync(new UpdateItemCommand(Item, 1, "  Tocilizumab 400 mg/20 mL ", "vial, 400 mg/20 mL ", Suppliers()), None);

        Assert.Equal(1, same.Version);
        Assert.Equal(1, (await _harness.GetItem.ExecuteAsync(new GetItemCommand(Item), None)).Version);
    }

    [Fact]
    public async Task An_update_with_a_broken_rule_or_without_a_revision_is_invalid_argument_and_an_unknown_item_not_found()
    {
        await Register(Valid);

        var blankName = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.UpdateItem.ExecuteAsync(new UpdateItemCommand(Item, 1, " ", null, Suppliers()), None));
        var noRevision = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.UpdateItem.ExecuteAsync(new UpdateItemCommand(Item, 0, "Tocilizumab", null, Suppliers()), None));
        await Assert.ThrowsAsync<NotFoundException>(() => _harness.UpdateItem.ExecuteAsync(new UpdateItemCommand("no-such-item", 1, "Tocilizumab", null, Suppliers()), None));

        Assert.Equal(["name"], blankName.Violations.Select(v => v.Field));
        Assert.Equal(["expected_revision"], noRevision.Violations.Select(v => v.Field));
        Assert.Equal(1, (await _harness.GetItem.ExecuteAsync(new GetItemCommand(Item), None)).Version);
    }

    [Fact]
    public async Task Listing_by_category_pages_through_that_category_only_in_id_order()
    {
        foreach (var (id, category) in new[]
                 {
                     ("tocilizumab-400", ItemCategory.SupportiveMedicine), ("tcell-kit", ItemCategory.ReagentKit), ("dexamethasone-4", ItemCategory.SupportiveMedicine),
                     ("anakinra-100", ItemCategory.SupportiveMedicine), ("cd19-selection-kit", ItemCategory.ReagentKit),
                 })
        {
            await Register(Valid with { ItemId = id, Category = category });
        }

        var first = await _harness.ListItems.ExecuteAsync(new ListItemsCommand(2, null, ItemCategory.SupportiveMedicine), None);
        var second = await _harness.ListItems.ExecuteAsync(new ListItemsCommand(2, first.NextPageToken, ItemCategory.SupportiveMedicine), None);
        var kits = await _harness.ListItems.ExecuteAsync(new ListItemsCommand(0, null, ItemCategory.ReagentKit), None);
        var all = await _harness.ListItems.ExecuteAsync(new ListItemsCommand(0, null, null), None);
        var cytokines = await _harness.ListItems.ExecuteAsync(new ListItemsCommand(0, null, ItemCategory.Cytokine), None);

        Assert.Equal(["anakinra-100", "dexamethasone-4"], first.Items.Select(i => i.Id));
        Assert.NotEqual("", first.NextPageToken);
        Assert.Equal(["tocilizumab-400"], second.Items.Select(i => i.Id));
        Assert.Equal("", second.NextPageToken);
        Assert.Equal(["cd19-selection-kit", "tcell-kit"], kits.Items.Select(i => i.Id));
        Assert.Equal(5, all.Items.Count);
        Assert.Empty(cytokines.Items);
    }

    [Fact]
    public async Task A_list_filtered_by_a_category_the_service_does_not_know_is_invalid_argument_on_category_alone()
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _harness.ListItems.ExecuteAsync(new ListItemsCommand(-1, "not-a-token", (ItemCategory)(-1)), None));

        Assert.Equal([("category", "is not an item category")], error.Violations.Select(v => (v.Field, v.Description)));
    }

    [Fact]
    public async Task A_list_with_a_bad_page_size_or_token_is_invalid_argument_naming_it()
    {
        var size = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.ListItems.ExecuteAsync(new ListItemsCommand(-1, null, null), None));
        var token = await Assert.ThrowsAsync<InvalidArgumentException>(() => _harness.ListItems.ExecuteAsync(new ListItemsCommand(10, "not-a-token", null), None));

        Assert.Equal(["page.page_size"], size.Violations.Select(v => v.Field));
        Assert.Equal(["page.page_token"], token.Violations.Select(v => v.Field));
    }

    private Task<Stored<CatalogueItem>> Register(Draft d) =>
        _harness.RegisterItem.ExecuteAsync(new RegisterItemCommand(d.ItemId, d.Name, d.Category, d.Unit, d.PackSize, d.PackContents, d.Suppliers), None);
}
