using System.Collections;
using System.Globalization;
using System.Resources;
using CarTConsortium.Contracts.Approvals.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace CarTConsortium.Portal.Charts.Tests;

public class ResourceTests
{
    private static readonly ResourceManager Resources = new("CarTConsortium.Portal.Charts.Resources.ChartText", typeof(ChartText).Assembly);

    private static Dictionary<string, string> Strings(CultureInfo culture) =>
        Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!);

    [Fact]
    public void Every_english_string_has_a_russian_one_with_the_same_placeholders()
    {
        var english = Strings(CultureInfo.InvariantCulture);
        var russian = Strings(CultureInfo.GetCultureInfo("ru"));

        Assert.NotEmpty(english);
        Assert.Equal(english.Keys.Order(), russian.Keys.Order());
        foreach (var (key, text) in english)
        {
            var placeholders = Enumerable.Range(0, 5).Where(i => text.Contains("{" + i + "}", StringComparison.Ordinal));
            Assert.All(placeholders, i => Assert.Contains("{" + i + "}", russian[key], StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_authorisation_status_and_pathway_has_words_through_the_localizer()
    {
        using var services = new ServiceCollection().AddLogging().AddLocalization().BuildServiceProvider();
        var localizer = services.GetRequiredService<IStringLocalizer<ChartText>>();

        Assert.All(Enum.GetValues<AuthorisationStatus>(), s => Assert.False(localizer["Status" + s].ResourceNotFound, s.ToString()));
        Assert.All(Enum.GetValues<Pathway>(), p => Assert.False(localizer["Pathway" + p].ResourceNotFound, p.ToString()));
    }
}
