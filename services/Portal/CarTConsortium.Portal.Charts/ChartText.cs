using Microsoft.Extensions.Localization;

// The charts' resources are found under Resources/ whatever ResourcesPath the portal configures for its own.
[assembly: ResourceLocation("Resources")]

namespace CarTConsortium.Portal.Charts;

/// <summary>The charts' visible strings: Resources/ChartText.resx (English) and ChartText.ru.resx (Russian).</summary>
public sealed class ChartText
{
    private ChartText()
    {
    }
}
