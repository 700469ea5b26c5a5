using System.Text.Json;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;
using Messages = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>RecordInfusion and RecordOutcome: the catalogue is checked, the treating institution's clinicians alone write, and the events say what kind, not what detail.</summary>
public sealed class ClinicalDataTests : IAsyncLifetime
{
    private static readonly DateOnly Infused = new(2025, 6, 2);

    private RegistryWorld _world = null!;
    private Stored<PatientRecord> _patient = null!;

    public async ValueTask InitializeAsync()
    {
        _world = await CreateAsync();
        _patient = await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001", consents: Shared);
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task An_infusion_of_a_product_not_in_the_catalogue_is_refused_and_writes_nothing()
    {
        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => _world.InfuseAsync(AstanaClinician, _patient.Id, Infused, product: "car-t-unknown"));

        Assert.Contains("car-t-unknown", refused.Message, StringComparison.Ordinal);
        AssertSame(_patient, await _world.StoredAsync(_patient.Id));
        Assert.Empty(await _world.EventsAsync<Messages.InfusionRecorded>());
    }

    [Fact]
    public async Task An_infusion_is_stored_and_announced_with_its_product_and_day()
    {
        var infused = await _world.RecordInfusion.ExecuteAsync(new RecordInfusionCommand(_patient.Id, Kymriah, 0.2, DateParts.Of(Infused), "bk-2025-0042"), AstanaClinician, None);

        Assert.Equal(2, infused.Version);
        AssertSame(infused, await _world.StoredAsync(_patient.Id));
        var infusion = Assert.Single(infused.Value.Infusions);
        Assert.Equal((Kymriah, 0.2, Infused, "bk-2025-0042", Start), (infusion.ProductId, infusion.DoseMillionCellsPerKg, infusion.InfusedOn, infusion.BookingId, infusion.RecordedAt));
        var message = Assert.Single(await _world.OutboxAsync(), m => m.Topic == "consortium.registry.v1.InfusionRecorded");
        Assert.Equal(new Messages.InfusionRecorded
        {
            Pseudonym = _patient.Id,
            InfusionId = infusion.InfusionId,
            ProductId = Kymriah,
            InfusedOn = new Google.Type.Date { Year = 2025, Month = 6, Day = 2 },
            BookingId = "bk-2025-0042",
        }, Messages.InfusionRecorded.Parser.ParseJson(message.Payload));
        Assert.DoesNotContain("0.2", message.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutcomeRecorded_names_the_pseudonym_and_the_outcome_and_nothing_of_what_it_was()
    {
        await _world.InfuseAsync(AstanaClinician, _patient.Id, Infused);
        var reports = new (DateOnly On, OutcomeReport Report)[]
        {
            (Infused.AddDays(3), new ToxicityReport(ToxicityKind.Icans, 3, new DateParts(2025, 6, 9))),
            (Infused.AddDays(28), new ResponseReport(Day28Response.Cri, MrdNegative: true)),
            (Infused.AddDays(90), new FollowUpReport(DiseaseState.InRemission, BCellAplasia: true)),
            (Infused.AddDays(120), new RelapseReport(Cd19Status.Negative)),
            (Infused.AddDays(150), new TransplantReport(Allogeneic: true)),
            (Infused.AddDays(200), new DeathReport("graft-versus-host disease")),
        };
        var recorded = new List<Stored<PatientRecord>>();
        foreach (var (on, report) in reports)
        {
            recorded.Add(await _world.OutcomeAsync(AstanaClinician, _patient.Id, on, report));
        }

        var final = recorded[^1];
        Assert.Equal(2 + reports.Length, final.Version);
        AssertSame(final, await _world.StoredAsync(_patient.Id));
        Assert.All(final.Value.Outcomes, o => Assert.Equal(Astana, o.RecordedByInstitutionId));
        var messages = (await _world.OutboxAsync()).Where(m => m.Topic == "consortium.registry.v1.OutcomeRecorded").ToList();
        Assert.Equal(reports.Length, messages.Count);
        for (var i = 0; i < reports.Length; i++)
        {
            var raised = Messages.OutcomeRecorded.Parser.ParseJson(messages[i].Payload);
            Assert.Equal(new Messages.OutcomeRecorded
            {
                Pseudonym = _patient.Id,
                OutcomeId = final.Value.Outcomes[i].OutcomeId,
            }, raised);
            using var json = JsonDocument.Parse(messages[i].Payload);
            Assert.Equal(["outcomeId", "pseudonym"], json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
        var payloads = string.Join("\n", messages.Select(m => m.Payload));
        Assert.DoesNotContain("graft", payloads, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("grade", payloads, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("death", payloads, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("icans", payloads, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("CRI", payloads, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clinician_of_another_institution_records_nothing_even_when_it_may_read_the_record()
    {
        await _world.ReadAsync(AlmatyClinician, _patient.Id);
        await _world.ReadAsync(TashkentClinician, _patient.Id);

        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.InfuseAsync(AlmatyClinician, _patient.Id, Infused));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.InfuseAsync(TashkentClinician, _patient.Id, Infused));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.InfuseAsync(Admin, _patient.Id, Infused));
        var infused = await _world.InfuseAsync(AstanaClinician, _patient.Id, Infused);
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _world.OutcomeAsync(AlmatyClinician, _patient.Id, Infused.AddDays(28), new ResponseReport(Day28Response.Cr, true)));

        AssertSame(infused, await _world.StoredAsync(_patient.Id));
        Assert.Single(await _world.EventsAsync<Messages.InfusionRecorded>());
        Assert.Empty(await _world.EventsAsync<Messages.OutcomeRecorded>());
    }

    [Fact]
    public async Task A_hospital_coordinator_of_the_treating_institution_records_no_clinical_data()
    {
        var infused = await _world.InfuseAsync(AstanaClinician, _patient.Id, Infused);

        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _world.OutcomeAsync(AstanaCoordinator, _patient.Id, Infused.AddDays(28), new ResponseReport(Day28Response.Cr, true)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.InfuseAsync(AstanaCoordinator, _patient.Id, Infused.AddDays(40)));
        await Assert.ThrowsAsync<PermissionDeniedException>(() =>
            _world.OutcomeAsync(Callers.Of(Roles.ManufacturingSite, "KZ", Astana), _patient.Id, Infused.AddDays(28), new ResponseReport(Day28Response.Cr, true)));

        AssertSame(infused, await _world.StoredAsync(_patient.Id));
        Assert.Empty(await _world.EventsAsync<Messages.OutcomeRecorded>());
    }

    [Fact]
    public async Task Impossible_or_invalid_clinical_data_is_refused_and_writes_nothing()
    {
        var infused = await _world.InfuseAsync(AstanaClinician, _patient.Id, Infused);

        await Assert.ThrowsAsync<RuleViolationException>(() =>
            _world.OutcomeAsync(AstanaClinician, _patient.Id, Infused.AddDays(-1), new FollowUpReport(DiseaseState.InRemission, false)));
        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _world.OutcomeAsync(AstanaClinician, _patient.Id, new DateOnly(2026, 3, 12), new ToxicityReport(ToxicityKind.Crs, 5, null)));
        var noKind = await Assert.ThrowsAsync<InvalidArgumentException>(() =>
            _world.RecordOutcome.ExecuteAsync(new RecordOutcomeCommand(_patient.Id, DateParts.Of(Infused.AddDays(28)), null), AstanaClinician, None));

        Assert.Equal(["occurred_on", "toxicity.grade"], invalid.Violations.Select(v => v.Field));
        Assert.Equal("kind", Assert.Single(noKind.Violations).Field);
        AssertSame(infused, await _world.StoredAsync(_patient.Id));
        Assert.Empty(await _world.EventsAsync<Messages.OutcomeRecorded>());
    }

    [Fact]
    public async Task Clinical_data_for_an_unknown_patient_is_not_found()
    {
        var unknown = _world.Pseudonymiser.Derive("KZ", "KZ-9999-9999");

        await Assert.ThrowsAsync<NotFoundException>(() => _world.InfuseAsync(AstanaClinician, unknown, Infused));
        await Assert.ThrowsAsync<NotFoundException>(() => _world.OutcomeAsync(AstanaClinician, unknown, Infused, new DeathReport(null)));
        var bad = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.InfuseAsync(AstanaClinician, "kz-7f3k-9q2m-4n5p-r8tv", Infused));
        Assert.Equal("pseudonym", Assert.Single(bad.Violations).Field);
    }
}
