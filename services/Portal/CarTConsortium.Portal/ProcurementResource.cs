namespace CarTConsortium.Portal;

/// <summary>The procurement pages' strings: Resources/ProcurementResource.resx (English) and .ru.resx (Russian).</summary>
public sealed class ProcurementResource;
