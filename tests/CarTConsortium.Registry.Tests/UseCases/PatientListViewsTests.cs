using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// ListPatients with the views that add nothing left out: on random records, every caller and filter pages through
/// exactly the records <see cref="PatientVisibility.CanRead"/> lets it see within the filters; and listing one's own
/// institution is one query by institution, a care team's own-country list no query by the shared key alone.
/// </summary>
public sealed class PatientListViewsTests
{
    private static readonly (Caller Clinician, string? Country)[] Treaters =
        [(AstanaClinician, null), (AstanaClinician, "KG"), (AlmatyClinician, null), (TashkentClinician, null)];

    private static readonly Consents[] ConsentSets =
        [RegistryOnly, Shared, RegistryOnly with { Research = true }, Shared with { Research = false }];

    private static readonly Caller[] Readers = [AstanaClinician, AstanaCoordinator, AlmatyClinician, TashkentClinician, Admin];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Every_caller_and_filter_pages_through_exactly_the_records_the_visibility_rules_let_it_see(int seed)
    {
        await using var world = await CreateAsync();
        var random = new Random(seed);
        for (var i = 0; i < 28; i++)
        {
            var (clinician, country) = Treaters[random.Next(Treaters.Length)];
            var enrolled = await world.EnrolAsync(clinician, $"KZ-5{seed}{i:00}-0001", country, consents: ConsentSets[random.Next(ConsentSets.Length)]);
            if (random.Next(5) == 0)
            {
                await world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(enrolled.Id, Withdrawn, enrolled.Version), clinician, None);
            }
        }
        var records = await world.Store.QueryAllAsync(RegistryCollections.Patients, DocumentQuery.All, None);
        var listed = 0;

        foreach (var reader in Readers)
        {
            foreach (var institution in new[] { null, Astana, Almaty, Tashkent })
            {
                foreach (var country in new[] { null, "KZ", "KG", "UZ" })
                {
                    var purpose = random.Next(3) == 0 ? AccessPurpose.Research : AccessPurpose.QualityReview;
                    var applied = institution is null && country is null ? reader.Country : country;
                    var expected = records
                        .Where(r => PatientVisibility.CanRead(reader, r.Value).Allowed && PatientVisibility.AllowsPurpose(r.Value, purpose)
                            && (institution is null || r.Value.TreatingInstitutionId == institution) && (applied is null || r.Value.CountryCode == applied))
                        .Select(r => r.Id).Order(StringComparer.Ordinal).ToList();

                    var got = new List<string>();
                    string? token = null;
                    do
                    {
                        var page = await world.ListPatients.ExecuteAsync(
                            new ListPatientsCommand(random.Next(3, 9), token, purpose, "registry audit", institution, country), reader, None);
                        got.AddRange(page.Patients.Select(p => p.Id));
                        token = page.NextPageToken;
                    }
                    while (token.Length > 0);

                    Assert.Equal(expected, got);
                    listed += got.Count;
                }
            }
        }
        // The comparison saw records, not only empty lists.
        Assert.True(listed > 100, $"only {listed} records listed");
    }

    [Fact]
    public async Task Listing_ones_own_institution_is_one_query_by_institution_and_a_care_teams_country_list_never_queries_the_shared_key_alone()
    {
        await using var world = await CreateAsync();
        await world.EnrolAsync(AstanaClinician, "KZ-5900-0001", consents: Shared);
        await world.EnrolAsync(AlmatyClinician, "KZ-5900-0002", consents: Shared);
        var counting = new PatientQueries(world.Store);
        var list = new ListPatients(counting, world.Clock);

        var own = await list.ExecuteAsync(new ListPatientsCommand(10, null, AccessPurpose.Treatment, null, Astana, null), AstanaClinician, None);
        Assert.Single(own.Patients);
        var byInstitution = Assert.Single(counting.Queries);
        Assert.Equal(Astana, byInstitution.Where[PatientKeys.TreatingInstitution]);

        counting.Queries.Clear();
        var country = await list.ExecuteAsync(new ListPatientsCommand(10, null, AccessPurpose.Treatment, null, null, null), AstanaClinician, None);
        Assert.Equal(2, country.Patients.Count);
        Assert.Equal(2, counting.Queries.Count);
        Assert.All(counting.Queries, query => Assert.Equal("KZ", query.Where[PatientKeys.Country]));
    }

    /// <summary>The real store, remembering the patient queries made through it.</summary>
    private sealed class PatientQueries(IDocumentStore inner) : IDocumentStore
    {
        public List<DocumentQuery> Queries { get; } = [];

        public Task<Stored<T>?> FindAsync<T>(Collection<T> collection, string id, CancellationToken ct = default) where T : class => inner.FindAsync(collection, id, ct);

        public Task<Page<T>> QueryAsync<T>(Collection<T> collection, DocumentQuery query, CancellationToken ct = default) where T : class
        {
            if (collection.Name == RegistryCollections.Patients.Name)
            {
                Queries.Add(query);
            }
            return inner.QueryAsync(collection, query, ct);
        }

        public Task CommitAsync(ChangeSet changes, CancellationToken ct = default) => inner.CommitAsync(changes, ct);
    }
}
