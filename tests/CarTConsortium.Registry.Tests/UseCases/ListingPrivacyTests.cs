using System.Buffers.Text;
using System.Text;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.UseCases.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>A page of patients, and its next_page_token, tell nothing about records the caller may not see.</summary>
public sealed class ListingPrivacyTests : IAsyncLifetime
{
    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task Another_countrys_clinician_pages_through_the_shared_records_only_and_no_token_names_a_hidden_one()
    {
        var shared = new List<string>();
        var hidden = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var enrolled = await _world.EnrolAsync(AstanaClinician, $"KZ-3000-{i:D4}", consents: i % 3 == 0 ? Shared : RegistryOnly);
            (i % 3 == 0 ? shared : hidden).Add(enrolled.Id);
        }

        var pages = new List<IReadOnlyList<string>>();
        var tokens = new List<string>();
        string? token = null;
        do
        {
            var page = await _world.ListPatients.ExecuteAsync(new ListPatientsCommand(1, token, AccessPurpose.QualityReview, null, null, "KZ"), TashkentClinician, None);
            pages.Add([.. page.Patients.Select(p => p.Id)]);
            token = page.NextPageToken;
            tokens.Add(token);
        }
        while (token.Length > 0);

        // One shared record a page: no empty page where hidden records were skipped.
        Assert.Equal(shared.Order(StringComparer.Ordinal), pages.Select(p => Assert.Single(p)));
        foreach (var next in tokens.Where(t => t.Length > 0))
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(next));
            Assert.DoesNotContain(hidden, h => decoded.Contains(h, StringComparison.Ordinal));
        }
    }
}
