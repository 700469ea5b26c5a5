using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Portal.Components.Admin;

/// <summary>A CAR-T product to add to the consortium's catalogue, as typed.</summary>
public sealed class ProductInput
{
    public string ProductId { get; set; } = "";
    public string Name { get; set; } = "";
    public string TargetAntigen { get; set; } = "CD19";
    public CellSource CellSource { get; set; } = CellSource.Unspecified;
    public string Manufacturer { get; set; } = "";

    public RegisterProductRequest ToRequest() => new()
    {
        ProductId = ProductId.Trim(),
        Name = Name.Trim(),
        TargetAntigen = TargetAntigen.Trim(),
        CellSource = CellSource,
        Manufacturer = Manufacturer.Trim(),
    };
}
