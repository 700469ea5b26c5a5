using System.Collections;
using System.Globalization;
using System.Resources;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>
/// Every visible string comes from the portal's resources (one .resx per area, English beside Russian);
/// a string added in one language only would show English on a Russian page.
/// </summary>
public sealed class ResourceTests
{
    public static TheoryData<string> Areas() =>
        [.. typeof(SharedResource).Assembly.GetManifestResourceNames()
            .Where(name => name.EndsWith(".resources", StringComparison.Ordinal))
            .Select(name => name[..^".resources".Length])];

    [Theory]
    [MemberData(nameof(Areas))]
    public void Every_english_string_has_a_russian_one_with_the_same_placeholders(string area)
    {
        var resources = new ResourceManager(area, typeof(SharedResource).Assembly);
        var english = Strings(resources, CultureInfo.InvariantCulture);
        var russian = Strings(resources, CultureInfo.GetCultureInfo("ru"));

        Assert.NotEmpty(english);
        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), russian.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, text) in english)
        {
            Assert.False(string.IsNullOrWhiteSpace(russian[key]), key);
            var placeholders = Enumerable.Range(0, 9).Where(i => text.Contains("{" + i + "}", StringComparison.Ordinal));
            Assert.All(placeholders, i => Assert.Contains("{" + i + "}", russian[key], StringComparison.Ordinal));
        }
    }

    private static Dictionary<string, string> Strings(ResourceManager resources, CultureInfo culture) =>
        resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!, StringComparer.Ordinal);
}
