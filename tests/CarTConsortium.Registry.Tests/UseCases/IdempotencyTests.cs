using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;
using Messages = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>RecordInfusion and RecordOutcome with a client request id: a retry answers with the record as the first call left it, with one infusion or outcome.</summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private const string Key = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static readonly DateParts Day = DateParts.Of(new DateOnly(2025, 7, 1));

    private RegistryWorld _world = null!;
    private Stored<PatientRecord> _patient = null!;

    public static TheoryData<string> Creates => new("RecordInfusion", "RecordOutcome");

    public async ValueTask InitializeAsync()
    {
        _world = await CreateAsync();
        var enrolled = await _world.EnrolAsync(AstanaClinician, "KZ-2000-0001", consents: Shared);
        // Outcomes need an infusion before them: one, unkeyed.
        _patient = await _world.InfuseAsync(AstanaClinician, enrolled.Id, new DateOnly(2025, 6, 2));
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Theory]
    [MemberData(nameof(Creates))]
    public async Task The_same_key_again_returns_the_first_result_without_a_second_entry_or_event(string create)
    {
        var first = await CallAsync(create, Key);
        _world.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await CallAsync(create, Key);

        Assert.Equal((first.Id, first.Version), (again.Id, again.Version));
        Assert.Equal(1, await CountAsync(create));
    }

    [Theory]
    [MemberData(nameof(Creates))]
    public async Task Parallel_calls_with_one_key_record_once_and_all_get_the_same_record(string create)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => CallAsync(create, Key))));

        Assert.Single(results.Select(r => r.Version).Distinct());
        Assert.Equal(1, await CountAsync(create));
    }

    [Fact]
    public async Task The_same_key_with_another_outcome_is_refused_even_one_of_another_kind_on_the_same_day()
    {
        // The report is told apart by its own type: a follow-up and a death on one day are two requests.
        await _world.RecordOutcome.ExecuteAsync(new RecordOutcomeCommand(_patient.Id, Day, new FollowUpReport(DiseaseState.InRemission, BCellAplasia: true), Key), AstanaClinician, None);

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() =>
            _world.RecordOutcome.ExecuteAsync(new RecordOutcomeCommand(_patient.Id, Day, new DeathReport("disease progression"), Key), AstanaClinician, None));

        Assert.Contains("was used for a different RecordOutcome request", refused.Message, StringComparison.Ordinal);
        Assert.Single((await _world.StoredAsync(_patient.Id))!.Value.Outcomes);
    }

    [Theory]
    [MemberData(nameof(Creates))]
    public async Task A_malformed_key_is_invalid_argument_on_request_id_and_records_nothing(string create)
    {
        var error = await Assert.ThrowsAsync<InvalidArgumentException>(() => CallAsync(create, "not a key!"));

        Assert.Equal([IdempotencyKey.Field], error.Violations.Select(v => v.Field));
        Assert.Equal(0, await CountAsync(create));
    }

    private Task<Stored<PatientRecord>> CallAsync(string create, string key) => create == "RecordInfusion"
        ? _world.RecordInfusion.ExecuteAsync(new RecordInfusionCommand(_patient.Id, Academic, 1.5, Day, null, key), AstanaClinician, None)
        : _world.RecordOutcome.ExecuteAsync(new RecordOutcomeCommand(_patient.Id, Day, new FollowUpReport(DiseaseState.InRemission, BCellAplasia: true), key),
            AstanaClinician, None);

    /// <summary>The entries the keyed calls added (the set-up's infusion aside), each announced once.</summary>
    private async Task<int> CountAsync(string create)
    {
        var record = (await _world.StoredAsync(_patient.Id))!.Value;
        var (kept, raised) = create == "RecordInfusion"
            ? (record.Infusions.Count - 1, (await _world.EventsAsync<Messages.InfusionRecorded>()).Count - 1)
            : (record.Outcomes.Count, (await _world.EventsAsync<Messages.OutcomeRecorded>()).Count);
        Assert.Equal(kept, raised);
        return kept;
    }
}
