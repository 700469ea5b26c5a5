using CarTConsortium.Contracts.Procurement.V1;

namespace CarTConsortium.Portal.Components.Admin;

/// <summary>A catalogue item as the admin enters it: new, or starting from the item as it stands (unit and pack size then stay).</summary>
public sealed class ItemInput
{
    public string ItemId { get; set; } = "";
    public string Name { get; set; } = "";
    public ItemCategory Category { get; set; } = ItemCategory.Unspecified;
    public string Unit { get; set; } = "";
    public int PackSize { get; set; } = 1;
    public string PackContents { get; set; } = "";

    /// <summary>The supplier rows shown; rows left empty are not sent.</summary>
    public List<SupplierInput> Suppliers { get; } = [];

    public static ItemInput New()
    {
        var input = new ItemInput();
        input.Suppliers.Add(new SupplierInput());
        return input;
    }

    public static ItemInput From(CatalogueItem item)
    {
        var input = new ItemInput
        {
            ItemId = item.ItemId,
            Name = item.Name,
            Category = item.Category,
            Unit = item.Unit,
            PackSize = item.PackSize,
            PackContents = item.PackContents,
        };
        input.Suppliers.AddRange(item.Suppliers.Select(s => new SupplierInput { SupplierId = s.SupplierId, Name = s.Name, CountryCode = s.CountryCode }));
        return input;
    }

    public RegisterItemRequest ToRegister() => new()
    {
        ItemId = ItemId.Trim(),
        Name = Name.Trim(),
        Category = Category,
        Unit = Unit.Trim(),
        PackSize = PackSize,
        PackContents = PackContents.Trim(),
        Suppliers = { SuppliersToSend() },
    };

    /// <summary>The whole new list of suppliers, with the revision read.</summary>
    public UpdateItemRequest ToUpdate(CatalogueItem current) => new()
    {
        ItemId = current.ItemId,
        ExpectedRevision = current.Revision?.Version ?? 0,
        Name = Name.Trim(),
        PackContents = PackContents.Trim(),
        Suppliers = { SuppliersToSend() },
    };

    private IEnumerable<Supplier> SuppliersToSend() => Suppliers
        .Where(s => !string.IsNullOrWhiteSpace(s.SupplierId) || !string.IsNullOrWhiteSpace(s.Name) || !string.IsNullOrWhiteSpace(s.CountryCode))
        .Select(s => new Supplier { SupplierId = s.SupplierId.Trim(), Name = s.Name.Trim(), CountryCode = s.CountryCode.Trim().ToUpperInvariant() });
}

/// <summary>One supplier row of an item.</summary>
public sealed class SupplierInput
{
    public string SupplierId { get; set; } = "";
    public string Name { get; set; } = "";
    public string CountryCode { get; set; } = "";
}
