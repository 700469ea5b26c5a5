using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Registry.Domain.Products;

public enum CellSource
{
    Autologous,
    Allogeneic,
}

/// <summary>A CAR-T product in the consortium's catalogue, as the registry stores it.</summary>
public sealed record Product(
    string ProductId,
    string Name,
    string TargetAntigen,
    CellSource CellSource,
    string Manufacturer,
    DateTimeOffset RegisteredAt)
{
    /// <summary>The rules a new product must meet; every broken one is reported at once.</summary>
    public static Product Register(string productId, string name, string targetAntigen, CellSource? cellSource, string manufacturer, DateTimeOffset now)
    {
        new Validator()
            .Slug(productId, "product_id")
            .Required(name, "name").MaxLength(name, 200, "name")
            .Required(targetAntigen, "target_antigen").MaxLength(targetAntigen, 40, "target_antigen")
            .Check(cellSource is not null, "cell_source", "must be AUTOLOGOUS or ALLOGENEIC")
            .Required(manufacturer, "manufacturer").MaxLength(manufacturer, 200, "manufacturer")
            .ThrowIfInvalid();
        return new Product(productId, name.Trim(), targetAntigen.Trim(), cellSource!.Value, manufacturer.Trim(), now);
    }
}
