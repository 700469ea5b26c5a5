using System.Diagnostics.Metrics;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.Slots.Api;
using CarTConsortium.Slots.Domain.Runs;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Runs;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Slots.Tests;

/// <summary>The run use cases and the product projection on a real SQLite file.</summary>
public sealed class CapacityPlannerTests : IAsyncLifetime
{
    private const string Site = "astana-ncb";
    private const string ProductId = "ncb-cd19-academic";

    private readonly TemporaryFolder _folder = new("cartc-slots-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.Zero));
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly SqliteDocumentStore _store;
    private readonly PublishRun _publishRun;
    private readonly GetRun _getRun;
    private readonly ListRuns _listRuns;

    public CapacityPlannerTests()
    {
        _store = new SqliteDocumentStore(Path.Combine(_folder, "slots.db"), new OutboxSignal());
        var runs = new RunReads(_store);
        _publishRun = new PublishRun(_store, _clock, new InstitutionAccess(_store), new PlacesFreed(), new RunReads(_store),
            new LedgerGates(_metrics.GetRequiredService<IMeterFactory>()));
        _getRun = new GetRun(runs);
        _listRuns = new ListRuns(_store, runs);
    }

    /// <summary>Every test's site is a manufacturing site the registry announced.</summary>
    public async ValueTask InitializeAsync() => await ProjectAsync(new InstitutionProjection(_store), SiteChanged(Site, InstitutionKind.ManufacturingSite, 1));

    // Here, not in a Dispose: xunit v3 never calls Dispose on a class that has DisposeAsync.
    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        _metrics.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Capacity_of_a_site_the_registry_has_not_announced_or_of_a_hospital_is_refused()
    {
        await ProjectAsync(Registered(ProductId, "Academic CD19 CAR-T"));
        await ProjectAsync(new InstitutionProjection(_store), SiteChanged("astana-childrens", InstitutionKind.TreatmentCentre, 1));

        foreach (var site in new[] { "almaty-gmp", "astana-childrens" })
        {
            var refused = await Assert.ThrowsAsync<RuleViolationException>(() =>
                _publishRun.ExecuteAsync(new PublishRunCommand(site, ProductId, new DateParts(2026, 4, 1), 12, 2), Callers.Of(Roles.ManufacturingSite, "KZ", site), CancellationToken.None));
            Assert.Equal($"'{site}' is not a manufacturing site in the registry (yet).", refused.Message);
        }
        Assert.Empty((await _store.QueryAsync(SlotsCollections.Runs, DocumentQuery.All)).Items);
    }

    [Fact]
    public async Task A_token_of_another_country_naming_the_site_publishes_nothing()
    {
        await ProjectAsync(Registered(ProductId, "Academic CD19 CAR-T"));

        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _publishRun.ExecuteAsync(new PublishRunCommand(Site, ProductId, new DateParts(2026, 4, 1), 12, 2), Callers.Of(Roles.ManufacturingSite, "UZ", Site), CancellationToken.None));

        Assert.Empty((await _store.QueryAsync(SlotsCollections.Runs, DocumentQuery.All)).Items);
    }

    [Fact]
    public async Task Authorisations_are_kept_from_approvals_events_at_their_newest_revision()
    {
        var projection = new AuthorisationProjection(_store, _clock, new PlacesFreed());
        await ProjectAsync(projection, AuthorisationAt(3, Contracts.Approvals.V1.AuthorisationStatus.Suspended));
        await ProjectAsync(projection, AuthorisationAt(2, Contracts.Approvals.V1.AuthorisationStatus.Approved));

        var kept = (await _store.FindAsync(SlotsCollections.KnownAuthorisations, "ncb-cd19-academic.KZ.HospitalExemption"))!.Value;

        var terms = kept.Terms;
        Assert.Equal((3L, Approvals.Authorisations.AuthorisationStatus.Suspended), (kept.ApprovalsVersion, terms.Status));
        Assert.Equal((Approvals.Authorisations.Pathway.HospitalExemption, "r/r B-ALL", 1, (int?)25),
            (terms.Pathway, terms.Scope.Indication, terms.Scope.MinAgeYears, terms.Scope.MaxAgeYears));
        Assert.Equal(["kz-astana-childrens"], terms.Scope.InstitutionIds);
        Assert.Equal((new DateOnly(2025, 7, 1), (DateOnly?)null), (terms.EffectiveOn!.Value, terms.ExpiresOn));
        await Assert.ThrowsAsync<PoisonEventException>(() => projection.HandleAsync(new AuthorisationChanged(), Context(new AuthorisationChanged()), CancellationToken.None));
    }

    [Fact]
    public async Task Patients_are_kept_by_pseudonym_and_a_withdrawn_consent_is_honoured_in_event_order()
    {
        var projection = new PatientProjection(_store);
        await ProjectAsync(projection, new PatientEnrolled { Pseudonym = "KZ-0000-0000-0000-0001", CountryCode = "KZ", TreatingInstitutionId = "astana-childrens" });
        var shared = new PatientConsentChanged { Pseudonym = "KZ-0000-0000-0000-0001", Consents = new Consents { Registry = true, CrossBorderSharing = true } };
        var withdrawn = new PatientConsentChanged { Pseudonym = "KZ-0000-0000-0000-0001", Consents = new Consents { Registry = false } };

        await ProjectAsync(projection, withdrawn, occurredAt: new DateTimeOffset(2026, 3, 10, 10, 0, 0, TimeSpan.Zero));
        await ProjectAsync(projection, shared, occurredAt: new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

        var kept = (await _store.FindAsync(SlotsCollections.KnownPatients, "KZ-0000-0000-0000-0001"))!.Value;
        Assert.Equal(("KZ", "astana-childrens", false, false), (kept.CountryCode, kept.TreatingInstitutionId, kept.InRegistry, kept.SharedAcrossBorders));
        // Consents before the enrolment arrived: kept, not refused, and not an enrolment.
        await ProjectAsync(projection, new PatientConsentChanged { Pseudonym = "KZ-0000-0000-0000-0002", Consents = new Consents { Registry = true } });
        var early = (await _store.FindAsync(SlotsCollections.KnownPatients, "KZ-0000-0000-0000-0002"))!.Value;
        Assert.Equal((false, true), (early.IsEnrolled, early.InRegistry));
    }

    [Fact]
    public async Task Institutions_and_agreements_are_kept_at_their_newest_registry_revision()
    {
        var institutions = new InstitutionProjection(_store);
        await ProjectAsync(institutions, SiteChanged("osh-gmp", InstitutionKind.ManufacturingSite, 2));
        await ProjectAsync(institutions, SiteChanged("osh-gmp", InstitutionKind.TreatmentCentre, 1));
        var agreements = new AgreementProjection(_store);
        await ProjectAsync(agreements, AgreementAt(2, endsOn: new Google.Type.Date { Year = 2026, Month = 12, Day = 31 }));
        await ProjectAsync(agreements, AgreementAt(1, endsOn: null));

        var site = (await _store.FindAsync(SlotsCollections.KnownInstitutions, "osh-gmp"))!;
        Assert.True(site.Value.IsManufacturingSite);
        Assert.Equal(1, site.Version);
        var agreement = (await _store.FindAsync(SlotsCollections.KnownAgreements, "KG-KZ"))!.Value;
        Assert.Equal(new DateOnly(2026, 12, 31), agreement.EndsOn);
        Assert.True(agreement.ToAgreement().IsInForceOn(new DateOnly(2026, 12, 31)));
        Assert.False(agreement.ToAgreement().IsInForceOn(new DateOnly(2027, 1, 1)));
        Assert.Equal(["KG", "KZ"], agreement.CountryCodes);
        Assert.Equal(3, agreement.ShipmentLeadDays);

        await Assert.ThrowsAsync<PoisonEventException>(() => institutions.HandleAsync(new InstitutionChanged(), Context(new InstitutionChanged()), CancellationToken.None));
        await Assert.ThrowsAsync<PoisonEventException>(() => agreements.HandleAsync(new AgreementChanged
        {
            Agreement = new Agreement { AgreementId = "KG-KZ", CountryCodes = { "KG", "KZ" }, EffectiveFrom = new Google.Type.Date { Year = 2026, Month = 2, Day = 30 } },
        }, Context(new AgreementChanged()), CancellationToken.None));
    }

    [Fact]
    public async Task Capacity_for_a_product_the_registry_has_not_announced_is_refused_and_writes_nothing()
    {
        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => PublishAsync(ProductId, _clock.GetUtcNow().AddDays(14)));

        Assert.Contains(ProductId, refused.Message, StringComparison.Ordinal);
        Assert.Contains("not in the registry's catalogue (yet)", refused.Message, StringComparison.Ordinal);
        Assert.Empty((await _store.QueryAsync(SlotsCollections.Runs, DocumentQuery.All)).Items);
        Assert.Empty(await _store.ReadPendingAsync(10));
    }

    [Fact]
    public async Task A_site_publishes_capacity_for_itself_only_and_a_refusal_writes_nothing()
    {
        await ProjectAsync(Registered(ProductId, "Academic CD19 CAR-T"));
        var otherSite = Callers.Of(Roles.ManufacturingSite, "KZ", "almaty-gmp");

        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _publishRun.ExecuteAsync(new PublishRunCommand(Site, ProductId, new DateParts(2026, 4, 1), 12, 2), otherSite, CancellationToken.None));

        Assert.Equal("A manufacturing site publishes capacity for its own site only.", denied.Message);
        Assert.Empty((await _store.QueryAsync(SlotsCollections.Runs, DocumentQuery.All)).Items);
        Assert.Empty(await _store.ReadPendingAsync(10));
    }

    [Fact]
    public async Task Bad_input_is_reported_before_the_catalogue_is_consulted()
    {
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _publishRun.ExecuteAsync(new PublishRunCommand(Site, ProductId, new DateParts(2026, 3, 1), 12, 0), Callers.Of(Roles.ManufacturingSite, "KZ", Site), CancellationToken.None));

        Assert.Equal(["run_start", "lines"], invalid.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task Once_the_product_is_projected_capacity_is_published_and_raises_CapacityChanged()
    {
        await ProjectAsync(Registered(ProductId, "Academic CD19 CAR-T"));

        var published = await PublishAsync(ProductId, _clock.GetUtcNow().AddDays(14));

        var read = (await _getRun.ExecuteAsync(new GetRunCommand(published.Id), CancellationToken.None)).Stored;
        Assert.Equal(1, read.Version);
        Assert.Equal(published.Value, read.Value);
        Assert.Equal(DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime).AddDays(14), read.Value.RunStart);
        Assert.True(Guid.TryParse(read.Id, out var id));
        Assert.Equal(7, id.Version);

        var message = Assert.Single(await _store.ReadPendingAsync(10));
        Assert.Equal("consortium.slots.v1.CapacityChanged", message.Topic);
        var raised = CapacityChanged.Parser.ParseJson(message.Payload).Capacity;
        Assert.Equal(SlotsMapping.ToContract(published, 0), raised);
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 3, Day = 24 }, raised.RunStart);
        Assert.Equal(Site, raised.SiteId);
        Assert.Equal(ProductId, raised.ProductId);
    }

    [Fact]
    public async Task The_list_filters_on_site_and_product_and_pages()
    {
        await ProjectAsync(Registered(ProductId, "Academic CD19 CAR-T"));
        await ProjectAsync(Registered("tisagenlecleucel", "Kymriah"));
        await ProjectAsync(new InstitutionProjection(_store), SiteChanged("tashkent-ncmc", InstitutionKind.ManufacturingSite, 1));
        var ids = new List<string>();
        foreach (var (site, product) in new[] { (Site, ProductId), (Site, ProductId), ("tashkent-ncmc", ProductId), (Site, "tisagenlecleucel") })
        {
            ids.Add((await _publishRun.ExecuteAsync(new PublishRunCommand(site, product, new DateParts(2026, 4, 1), 12, 2), Callers.Of(Roles.ManufacturingSite, "KZ", site), CancellationToken.None)).Stored.Id);
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        var first = await _listRuns.ExecuteAsync(new ListRunsCommand(2, null, Site, null), CancellationToken.None);
        var second = await _listRuns.ExecuteAsync(new ListRunsCommand(2, first.NextPageToken, Site, null), CancellationToken.None);
        var both = await _listRuns.ExecuteAsync(new ListRunsCommand(0, null, Site, ProductId), CancellationToken.None);
        var byProduct = await _listRuns.ExecuteAsync(new ListRunsCommand(0, null, null, ProductId), CancellationToken.None);
        var all = await _listRuns.ExecuteAsync(new ListRunsCommand(0, null, "", ""), CancellationToken.None);

        Assert.Equal([ids[0], ids[1]], first.Runs.Select(c => c.Stored.Id));
        Assert.NotEmpty(first.NextPageToken);
        Assert.Equal([ids[3]], second.Runs.Select(c => c.Stored.Id));
        Assert.Empty(second.NextPageToken);
        Assert.Equal([ids[0], ids[1]], both.Runs.Select(c => c.Stored.Id));
        Assert.Equal([ids[0], ids[1], ids[2]], byProduct.Runs.Select(c => c.Stored.Id));
        Assert.Equal(ids, all.Runs.Select(c => c.Stored.Id));
    }

    [Fact]
    public async Task Bad_filters_and_pages_are_invalid_and_a_missing_capacity_is_not_found()
    {
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _listRuns.ExecuteAsync(new ListRunsCommand(-1, null, "Astana", "x"), CancellationToken.None));
        Assert.Equal(["site_id", "product_id", "page.page_size"], invalid.Violations.Select(v => v.Field));

        await Assert.ThrowsAsync<NotFoundException>(() => _getRun.ExecuteAsync(new GetRunCommand(Guid.CreateVersion7().ToString()), CancellationToken.None));
        var badId = await Assert.ThrowsAsync<InvalidArgumentException>(() => _getRun.ExecuteAsync(new GetRunCommand("capacity-1"), CancellationToken.None));
        Assert.Equal("capacity_id", Assert.Single(badId.Violations).Field);
    }

    [Fact]
    public async Task The_projection_keeps_name_and_cell_source()
    {
        await ProjectAsync(Registered(ProductId, "Academic CD19 CAR-T"));
        await ProjectAsync(Registered("future-product", "From a newer registry", (CellSource)7));

        Assert.Equal(new KnownProduct(ProductId, "Academic CD19 CAR-T", "CELL_SOURCE_AUTOLOGOUS"),
            (await _store.FindAsync(SlotsCollections.KnownProducts, ProductId))!.Value);
        Assert.Equal("7", (await _store.FindAsync(SlotsCollections.KnownProducts, "future-product"))!.Value.CellSource);
    }

    [Fact]
    public async Task The_same_product_projected_twice_stays_one_unchanged_document()
    {
        await ProjectAsync(Registered(ProductId, "Academic CD19 CAR-T"));
        await ProjectAsync(Registered(ProductId, "Academic CD19 CAR-T"));

        var known = Assert.Single((await _store.QueryAsync(SlotsCollections.KnownProducts, DocumentQuery.All)).Items);
        Assert.Equal(1, known.Version);
    }

    [Fact]
    public async Task A_product_seen_again_with_other_data_is_updated_and_an_older_duplicate_does_not_fail()
    {
        var older = Registered(ProductId, "Academic CD19 CAR-T");
        await ProjectAsync(older);
        await ProjectAsync(Registered(ProductId, "Academic CD19 CAR-T (Prodigy)"));
        var renamed = (await _store.FindAsync(SlotsCollections.KnownProducts, ProductId))!;

        await ProjectAsync(older);

        Assert.Equal(2, renamed.Version);
        Assert.Equal("Academic CD19 CAR-T (Prodigy)", renamed.Value.Name);
        Assert.Single((await _store.QueryAsync(SlotsCollections.KnownProducts, DocumentQuery.All)).Items);
    }

    [Fact]
    public async Task An_event_without_a_product_is_poison()
    {
        var projection = new ProductProjection(_store);

        await Assert.ThrowsAsync<PoisonEventException>(() =>
            projection.HandleAsync(new ProductRegistered(), Context(new ProductRegistered()), CancellationToken.None));
        await Assert.ThrowsAsync<PoisonEventException>(() =>
            projection.HandleAsync(new ProductRegistered { Product = new Product() }, Context(new ProductRegistered()), CancellationToken.None));
    }

    [Fact]
    public async Task Through_the_modules_wiring_and_the_real_dispatcher_a_redelivery_and_a_republish_apply_once()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(FederationSettings.OneIssuer);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton(Options.Create(new EventingOptions { AppId = "slots" }));
        builder.Services.AddSqliteStorage(Path.Combine(_folder, "slots-wired.db"));
        builder.Services.AddSingleton<EventDispatcher>();
        var module = new SlotsModule();
        module.AddServices(builder);
        // The module's registrations are what matter here; no server is built.
        await using var services = builder.Services.BuildServiceProvider();
        var dispatcher = services.GetRequiredService<EventDispatcher>();
        var site = SiteChanged(Site, InstitutionKind.ManufacturingSite, 1);
        Assert.Equal(DeliveryOutcome.Success, await dispatcher.DispatchAsync(new EventEnvelope(Guid.CreateVersion7().ToString(),
            IntegrationEvents.TopicOf<InstitutionChanged>(), "registry", DateTimeOffset.UtcNow, JsonFormatter.Default.Format(site), null), 1, CancellationToken.None));
        var registered = Registered(ProductId, "Academic CD19 CAR-T");
        var envelope = Envelope(registered);

        Assert.Equal(DeliveryOutcome.Success, await dispatcher.DispatchAsync(envelope, 1, CancellationToken.None));
        Assert.Equal(DeliveryOutcome.Success, await dispatcher.DispatchAsync(envelope, 1, CancellationToken.None));
        Assert.Equal(DeliveryOutcome.Success, await dispatcher.DispatchAsync(Envelope(registered), 1, CancellationToken.None));

        var store = services.GetRequiredService<IDocumentStore>();
        var known = Assert.Single((await store.QueryAsync(SlotsCollections.KnownProducts, DocumentQuery.All)).Items);
        Assert.Equal(1, known.Version);
        await using var scope = services.CreateAsyncScope();
        var published = await scope.ServiceProvider.GetRequiredService<PublishRun>()
            .ExecuteAsync(new PublishRunCommand(Site, ProductId, new DateParts(2026, 3, 24), 12, 2), Callers.Of(Roles.ManufacturingSite, "KZ", Site), CancellationToken.None);
        Assert.Equal(ProductId, published.Stored.Value.ProductId);
        Assert.Equal("slots", module.AppId);
    }

    private async Task<Stored<ManufacturingRun>> PublishAsync(string productId, DateTimeOffset runStart) =>
        (await _publishRun.ExecuteAsync(new PublishRunCommand(Site, productId, new DateParts(runStart.Year, runStart.Month, runStart.Day), 12, 2), Callers.Of(Roles.ManufacturingSite, "KZ", Site), CancellationToken.None)).Stored;

    /// <summary>What the dispatcher does for one delivery: run the handler, then commit its changes with the inbox mark.</summary>
    private async Task ProjectAsync(ProductRegistered registered)
    {
        var context = Context(registered);
        await new ProductProjection(_store).HandleAsync(registered, context, CancellationToken.None);
        await _store.CommitAsync(context.Changes);
    }

    private async Task ProjectAsync<T>(IEventHandler<T> projection, T integrationEvent, DateTimeOffset? occurredAt = null) where T : IMessage<T>, new()
    {
        var context = Context(integrationEvent, occurredAt);
        await projection.HandleAsync(integrationEvent, context, CancellationToken.None);
        await _store.CommitAsync(context.Changes);
    }

    private static InstitutionChanged SiteChanged(string id, InstitutionKind kind, long version) => new()
    {
        Institution = new Institution { InstitutionId = id, CountryCode = "KZ", Kind = kind, Revision = new Contracts.Common.V1.Revision { Version = version } },
    };

    private static AgreementChanged AgreementAt(long version, Google.Type.Date? endsOn) => new()
    {
        Agreement = new Agreement
        {
            AgreementId = "KG-KZ",
            CountryCodes = { "KG", "KZ" },
            CrossBorderCare = true,
            Shipment = true,
            ShipmentLeadDays = 3,
            EffectiveFrom = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 },
            EndsOn = endsOn,
            Revision = new Contracts.Common.V1.Revision { Version = version },
        },
    };

    private static AuthorisationChanged AuthorisationAt(long version, Contracts.Approvals.V1.AuthorisationStatus status) => new()
    {
        Authorisation = new Contracts.Approvals.V1.Authorisation
        {
            AuthorisationId = "ncb-cd19-academic.KZ.HospitalExemption",
            ProductId = "ncb-cd19-academic",
            Jurisdiction = "KZ",
            Pathway = Contracts.Approvals.V1.Pathway.HospitalExemption,
            Status = status,
            Scope = new Contracts.Approvals.V1.Scope { Indication = "r/r B-ALL", MinAgeYears = 1, MaxAgeYears = 25, InstitutionIds = { "kz-astana-childrens" } },
            EffectiveOn = new Google.Type.Date { Year = 2025, Month = 7, Day = 1 },
            Revision = new Contracts.Common.V1.Revision { Version = version },
        },
    };

    private static EventContext Context<T>(T integrationEvent, DateTimeOffset? occurredAt = null) where T : IMessage<T>, new()
    {
        var envelope = new EventEnvelope(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<T>(), "registry", occurredAt ?? DateTimeOffset.UtcNow,
            JsonFormatter.Default.Format(integrationEvent), null);
        return new EventContext(envelope, 1, new ChangeSet().MarkHandled("test-projection", envelope.Id));
    }

    private static EventContext Context(ProductRegistered registered)
    {
        var envelope = Envelope(registered);
        return new EventContext(envelope, 1, new ChangeSet().MarkHandled(typeof(ProductProjection).FullName!, envelope.Id));
    }

    private static ProductRegistered Registered(string productId, string name, CellSource cellSource = CellSource.Autologous) => new()
    {
        Product = new Product { ProductId = productId, Name = name, TargetAntigen = "CD19", CellSource = cellSource, Manufacturer = "NCB" },
    };

    private static EventEnvelope Envelope(ProductRegistered registered) =>
        new(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<ProductRegistered>(), "registry", DateTimeOffset.UtcNow,
            JsonFormatter.Default.Format(registered), null);
}
