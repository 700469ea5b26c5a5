namespace CarTConsortium.Portal;

/// <summary>The statistics page's strings: Resources/StatisticsResource.resx (English) and .ru.resx (Russian).</summary>
public sealed class StatisticsResource;
