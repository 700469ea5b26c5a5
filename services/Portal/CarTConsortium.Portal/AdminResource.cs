namespace CarTConsortium.Portal;

/// <summary>The consortium admin's pages' strings: Resources/AdminResource.resx (English) and .ru.resx (Russian).</summary>
public sealed class AdminResource;
