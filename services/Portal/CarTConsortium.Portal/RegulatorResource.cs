namespace CarTConsortium.Portal;

/// <summary>The regulatory officer's pages' strings: Resources/RegulatorResource.resx (English) and .ru.resx (Russian).</summary>
public sealed class RegulatorResource;
