namespace CarTConsortium.Slots.ReadModels;

/// <summary>
/// What slots knows of a product in the registry's catalogue, learned from the registry's
/// events alone (services never read each other's databases).
/// </summary>
/// <param name="CellSource">The registry's enum value name, e.g. CELL_SOURCE_AUTOLOGOUS, kept as text so a value added later reads through.</param>
public sealed record KnownProduct(string ProductId, string Name, string CellSource);
