using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Procurement.Domain.Items;

public enum ItemCategory
{
    LentiviralVector,
    TubingSet,
    ReagentKit,
    Cytokine,
    SupportiveMedicine,
    CarTDose,
}

/// <summary>A supplier that offers an item; its id is unique within the item.</summary>
public sealed record Supplier(string SupplierId, string Name, string CountryCode);

/// <summary>
/// Something the consortium can pool: what it is, the unit quantities count in, how many
/// pieces a unit holds, and who supplies it. Unit and pack size never change once
/// registered (commitments, tiers and orders count in them), and a supplier once listed is
/// never removed (pools and orders name it), so a pool opened from an item can rely on both.
/// </summary>
public sealed record CatalogueItem(
    string ItemId,
    string Name,
    ItemCategory Category,
    string Unit,
    int PackSize,
    string PackContents,
    IReadOnlyList<Supplier> Suppliers,
    DateTimeOffset RegisteredAt)
{
    public const int MaxNameLength = 200;
    public const int MaxUnitLength = 40;
    public const int MaxPackSize = 100_000;
    public const int MaxSuppliers = 20;

    public Supplier? SupplierOf(string? supplierId) => Suppliers.FirstOrDefault(s => s.SupplierId == supplierId);

    /// <summary>A new item when every rule holds; otherwise every broken rule at once.</summary>
    public static CatalogueItem Register(string? itemId, string? name, ItemCategory? category, string? unit, int packSize, string? packContents,
        IReadOnlyList<Supplier?>? suppliers, DateTimeOffset now)
    {
        var validator = new Validator()
            .Slug(itemId, "item_id")
            .Check(category is { } known && Enum.IsDefined(known), "category", "is required: one of the item categories");
        CheckDescription(validator, name, packContents, suppliers);
        validator
            .Required(unit, "unit").MaxLength(unit?.Trim(), MaxUnitLength, "unit")
            .Check(packSize is >= 1 and <= MaxPackSize, "pack_size", $"must be 1 to {MaxPackSize} pieces a unit")
            .ThrowIfInvalid();
        return new CatalogueItem(itemId!, name!.Trim(), category!.Value, unit!.Trim(), packSize, packContents?.Trim() ?? "",
            [.. suppliers!.Select(Trimmed)], now);
    }

    /// <summary>The item renamed and with its new list of suppliers; every supplier listed before must still be in it.</summary>
    public CatalogueItem Update(string? name, string? packContents, IReadOnlyList<Supplier?>? suppliers)
    {
        var validator = new Validator();
        CheckDescription(validator, name, packContents, suppliers);
        validator.ThrowIfInvalid();
        var missing = Suppliers.Where(kept => suppliers!.All(s => s!.SupplierId != kept.SupplierId)).Select(s => s.SupplierId).ToArray();
        if (missing.Length > 0)
        {
            throw new RuleViolationException(
                $"Suppliers are never removed from an item (pools and orders name them): {string.Join(", ", missing)} must stay in suppliers.");
        }
        return this with { Name = name!.Trim(), PackContents = packContents?.Trim() ?? "", Suppliers = [.. suppliers!.Select(Trimmed)] };
    }

    private static void CheckDescription(Validator validator, string? name, string? packContents, IReadOnlyList<Supplier?>? suppliers)
    {
        validator
            .Required(name, "name").MaxLength(name?.Trim(), MaxNameLength, "name")
            .MaxLength(packContents?.Trim(), MaxNameLength, "pack_contents");
        suppliers ??= [];
        validator.Check(suppliers.Count is >= 1 and <= MaxSuppliers, "suppliers", $"must list 1 to {MaxSuppliers} suppliers");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < suppliers.Count; i++)
        {
            var path = $"suppliers[{i}]";
            if (suppliers[i] is not { } supplier)
            {
                validator.Check(false, path, "is required");
                continue;
            }
            validator
                .Slug(supplier.SupplierId, $"{path}.supplier_id")
                .Check(supplier.SupplierId is null || seen.Add(supplier.SupplierId), $"{path}.supplier_id", "is listed twice")
                .Required(supplier.Name, $"{path}.name").MaxLength(supplier.Name?.Trim(), MaxNameLength, $"{path}.name")
                .CountryCode(supplier.CountryCode, $"{path}.country_code");
        }
    }

    private static Supplier Trimmed(Supplier? supplier) => supplier! with { Name = supplier.Name.Trim() };
}
