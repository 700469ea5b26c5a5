namespace CarTConsortium.Portal;

/// <summary>The manufacturing site's pages' strings: Resources/SiteResource.resx (English) and .ru.resx (Russian).</summary>
public sealed class SiteResource;
