namespace CarTConsortium.Portal;

/// <summary>The marker of the portal's strings: Resources/SharedResource.resx (English) and .ru.resx (Russian).</summary>
public sealed class SharedResource;
