using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using CarTConsortium.Testing;
using Xunit;
using Authorisation = CarTConsortium.Approvals.Authorisations.Authorisation;
using AuthorisationStatus = CarTConsortium.Approvals.Authorisations.AuthorisationStatus;
using Authority = CarTConsortium.Approvals.Authorisations.Authority;
using Pathway = CarTConsortium.Approvals.Authorisations.Pathway;

namespace CarTConsortium.Approvals.Tests;

/// <summary>The register's use cases on a real SQLite file, its catalogue fed through the real dispatcher.</summary>
public sealed class AuthorisationRegisterTests : IDisposable
{
    private const string ProductId = "ncb-cd19-academic";

    private readonly ApprovalsHarness _harness = new();
    private readonly AuthorisationRegister _register;

    public AuthorisationRegisterTests()
    {
        _register = new AuthorisationRegister(_harness.Store, _harness.Clock);
    }

    [Fact]
    public async Task A_product_the_registry_has_not_announced_is_refused_and_nothing_is_written()
    {
        await _harness.AnnounceAsync("nexcar19", "NexCAR19");

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => RecordAsync(ProductId, "KZ", Pathway.HospitalExemption));

        Assert.Equal($"Product '{ProductId}' is not in the registry's catalogue (yet).", refused.Message);
        Assert.Empty(await AllAsync());
        Assert.Empty(await _harness.Store.ReadPendingAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Bad_input_is_reported_before_the_catalogue_is_consulted()
    {
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _register.RecordAsync(Callers.Admin, "NCB", "kz", null, Pathway.Reliance, CancellationToken.None));

        Assert.Equal(["product_id", "jurisdiction", "authority"], invalid.Violations.Select(v => v.Field));
        Assert.Empty(await AllAsync());
        Assert.Empty(await _harness.Store.ReadPendingAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Once_the_product_is_projected_an_authorisation_is_recorded_planned_and_raises_AuthorisationChanged()
    {
        Assert.Equal(DeliveryOutcome.Success, await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T"));

        var recorded = await _register.RecordAsync(Callers.Admin, ProductId, "KZ", Authority.National, Pathway.HospitalExemption, CancellationToken.None);

        var read = await _register.GetAsync(recorded.Id, CancellationToken.None);
        Assert.Equal(recorded, read);
        Assert.Equal("ncb-cd19-academic.KZ.HospitalExemption", read.Id);
        Assert.Equal(1, read.Version);
        Assert.Equal(new Authorisation(read.Id, ProductId, "KZ", Authority.National, Pathway.HospitalExemption, AuthorisationStatus.Planned,
            _harness.Clock.GetUtcNow()), read.Value);

        var message = Assert.Single(await _harness.Store.ReadPendingAsync(10, CancellationToken.None));
        Assert.Equal("consortium.approvals.v1.AuthorisationChanged", message.Topic);
        Assert.Equal(_harness.Clock.GetUtcNow(), message.OccurredAt);
        Assert.Equal(new Contracts.Approvals.V1.Authorisation
        {
            AuthorisationId = "ncb-cd19-academic.KZ.HospitalExemption",
            ProductId = ProductId,
            Jurisdiction = "KZ",
            Authority = Contracts.Approvals.V1.Authority.National,
            Pathway = Contracts.Approvals.V1.Pathway.HospitalExemption,
            Status = Contracts.Approvals.V1.AuthorisationStatus.Planned,
            RecordedAt = Timestamp.FromDateTimeOffset(_harness.Clock.GetUtcNow()),
            Revision = new Contracts.Common.V1.Revision { Version = 1 },
        }, AuthorisationChanged.Parser.ParseJson(message.Payload).Authorisation);
    }

    [Fact]
    public async Task Every_domain_value_is_announced_as_its_contract_namesake()
    {
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T");
        var jurisdictions = new[] { "KZ", "UZ", "KG", "TJ", "TM", "AZ", "EU" };
        var authorities = System.Enum.GetValues<Authority>();
        var pathways = System.Enum.GetValues<Pathway>();
        for (var i = 0; i < pathways.Length; i++)
        {
            await _register.RecordAsync(Callers.Admin, ProductId, jurisdictions[i], authorities[i], pathways[i], CancellationToken.None);
        }

        var raised = (await _harness.Store.ReadPendingAsync(10, CancellationToken.None))
            .Select(m => AuthorisationChanged.Parser.ParseJson(m.Payload).Authorisation).ToList();

        // The generated C# enums drop the protobuf prefix: AUTHORITY_NATIONAL is Authority.National.
        Assert.Equal(authorities.Select(a => a.ToString()), raised.Select(r => r.Authority.ToString()));
        Assert.Equal(pathways.Select(p => p.ToString()), raised.Select(r => r.Pathway.ToString()));
        Assert.All(raised, r => Assert.Equal(Contracts.Approvals.V1.AuthorisationStatus.Planned, r.Status));
    }

    [Fact]
    public async Task The_same_triple_recorded_twice_already_exists_and_only_the_first_stands()
    {
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T");
        var first = await _register.RecordAsync(Callers.Admin, ProductId, "KZ", Authority.National, Pathway.HospitalExemption, CancellationToken.None);
        _harness.Clock.Advance(TimeSpan.FromDays(1));

        var refused = await Assert.ThrowsAsync<DocumentExistsException>(() =>
            _register.RecordAsync(Callers.Admin, ProductId, "KZ", Authority.Ema, Pathway.HospitalExemption, CancellationToken.None));

        Assert.IsAssignableFrom<AlreadyExistsException>(refused);
        Assert.Equal(first, await _register.GetAsync(first.Id, CancellationToken.None));
        Assert.Single(await AllAsync());
        Assert.Single(await _harness.Store.ReadPendingAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Another_pathway_in_the_same_jurisdiction_is_tracked_separately()
    {
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T");

        var exemption = await RecordAsync(ProductId, "KZ", Pathway.HospitalExemption);
        var marketing = await RecordAsync(ProductId, "KZ", Pathway.MarketingAuthorisation);

        Assert.NotEqual(exemption.Id, marketing.Id);
        Assert.Equal(2, (await AllAsync()).Count);
        Assert.Equal(2, (await _harness.Store.ReadPendingAsync(10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task The_list_filters_on_product_and_jurisdiction_and_pages()
    {
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T");
        await _harness.AnnounceAsync("nexcar19", "NexCAR19");
        var kzExemption = (await RecordAsync(ProductId, "KZ", Pathway.HospitalExemption)).Id;
        var kzTrial = (await RecordAsync(ProductId, "KZ", Pathway.ClinicalTrial)).Id;
        var uzExemption = (await RecordAsync(ProductId, "UZ", Pathway.HospitalExemption)).Id;
        var nexKz = (await RecordAsync("nexcar19", "KZ", Pathway.Reliance)).Id;
        var nexEu = (await RecordAsync("nexcar19", "EU", Pathway.MarketingAuthorisation)).Id;

        var byProduct = await _register.ListAsync(0, null, ProductId, null, CancellationToken.None);
        var byJurisdiction = await _register.ListAsync(0, null, null, "KZ", CancellationToken.None);
        var byBoth = await _register.ListAsync(0, null, "nexcar19", "EU", CancellationToken.None);
        var noMatch = await _register.ListAsync(0, null, "nexcar19", "UZ", CancellationToken.None);
        var first = await _register.ListAsync(2, null, null, "KZ", CancellationToken.None);
        var second = await _register.ListAsync(2, first.NextPageToken, null, "KZ", CancellationToken.None);
        var all = await _register.ListAsync(0, null, "", "", CancellationToken.None);

        // Ids order the list: ordinal, so "ClinicalTrial" comes before "HospitalExemption".
        Assert.Equal([kzTrial, kzExemption, uzExemption], byProduct.Authorisations.Select(a => a.Id));
        Assert.Empty(byProduct.NextPageToken);
        Assert.Equal([kzTrial, kzExemption, nexKz], byJurisdiction.Authorisations.Select(a => a.Id));
        Assert.Equal([nexEu], byBoth.Authorisations.Select(a => a.Id));
        Assert.Empty(noMatch.Authorisations);
        Assert.Equal([kzTrial, kzExemption], first.Authorisations.Select(a => a.Id));
        Assert.NotEmpty(first.NextPageToken);
        Assert.Equal([nexKz], second.Authorisations.Select(a => a.Id));
        Assert.Empty(second.NextPageToken);
        Assert.Equal(5, all.Authorisations.Count);
        Assert.Equal(all.Authorisations.Select(a => a.Id).Order(StringComparer.Ordinal), all.Authorisations.Select(a => a.Id));
    }

    [Fact]
    public async Task A_bad_page_is_invalid()
    {
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _register.ListAsync(201, "garbage", ProductId, "KZ", CancellationToken.None));

        Assert.Equal(["page.page_size", "page.page_token"], invalid.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task A_regulatory_officer_records_for_their_own_country_only_and_a_refusal_writes_nothing()
    {
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T");
        var kzOfficer = Callers.Of(Roles.RegulatoryOfficer, "KZ", "kz-ministry-of-health");

        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _register.RecordAsync(kzOfficer, ProductId, "UZ", Authority.National, Pathway.HospitalExemption, CancellationToken.None));
        Assert.Equal("A regulatory officer records authorisations for their own country only.", denied.Message);
        Assert.Empty(await AllAsync());
        Assert.Empty(await _harness.Store.ReadPendingAsync(10, CancellationToken.None));

        var own = await _register.RecordAsync(kzOfficer, ProductId, "KZ", Authority.National, Pathway.HospitalExemption, CancellationToken.None);
        Assert.Equal("ncb-cd19-academic.KZ.HospitalExemption", own.Id);
        var uz = await _register.RecordAsync(Callers.Admin, ProductId, "UZ", Authority.National, Pathway.HospitalExemption, CancellationToken.None);
        Assert.Equal("ncb-cd19-academic.UZ.HospitalExemption", uz.Id);
    }

    [Fact]
    public async Task A_missing_authorisation_is_not_found_and_a_malformed_id_is_invalid()
    {
        await _harness.AnnounceAsync(ProductId, "Academic CD19 CAR-T");
        await RecordAsync(ProductId, "KZ", Pathway.HospitalExemption);

        var missing = await Assert.ThrowsAsync<NotFoundException>(() =>
            _register.GetAsync("ncb-cd19-academic.UZ.HospitalExemption", CancellationToken.None));
        Assert.Equal("No authorisation 'ncb-cd19-academic.UZ.HospitalExemption' is tracked.", missing.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => _register.GetAsync("ncb-cd19-academic.kz.HospitalExemption", CancellationToken.None));
        foreach (var malformed in new[] { "", "   ", new string('a', 201) })
        {
            var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _register.GetAsync(malformed, CancellationToken.None));
            Assert.Equal("authorisation_id", Assert.Single(invalid.Violations).Field);
        }
    }

    private Task<Stored<Authorisation>> RecordAsync(string productId, string jurisdiction, Pathway pathway) =>
        _register.RecordAsync(Callers.Admin, productId, jurisdiction, Authority.National, pathway, CancellationToken.None);

    private async Task<IReadOnlyList<Stored<Authorisation>>> AllAsync() =>
        (await _harness.Store.QueryAsync(Authorisation.Collection, DocumentQuery.All, CancellationToken.None)).Items;

    public void Dispose() => _harness.Dispose();
}
