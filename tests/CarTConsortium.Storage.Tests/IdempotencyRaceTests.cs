using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Storage.Tests;

/// <summary>
/// A client that retries while its first call still runs: the first call commits the entity and the key between
/// the retry's check of the key and its own create, so the retry fails on a rule the first call's effect now breaks.
/// </summary>
public sealed class IdempotencyRaceTests : IDisposable
{
    private static readonly Collection<Infusion> Infusions = new("infusions");
    private static readonly Caller Clinician = new("clinician-1", "portal", "KZ", "kz-hospital", new HashSet<string> { Roles.Clinician });
    private readonly TemporaryFolder _folder = new("cartc-idempotency-race-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_retry_that_loses_to_its_own_first_call_on_a_rule_answers_with_the_first_result()
    {
        var store = new SqliteDocumentStore(Path.Combine(_folder, "store.db"), new OutboxSignal());
        var request = new Infusion("patient-1", "2026-12-07");
        var first = IdempotencyKey.Of("retry-0123456789abcdef", Clinician, "RecordInfusion", request);
        var retry = IdempotencyKey.Of("retry-0123456789abcdef", Clinician, "RecordInfusion", request);

        var answer = await store.OnceAsync(retry, _clock,
            replay: (id, _) => Task.FromResult("replayed " + id),
            create: async ct =>
            {
                // The first call commits now, after the retry found the key unused.
                await store.CommitAsync(new ChangeSet().Insert(Infusions, "infusion-1", request).Remember(first, "infusion-1", _clock), ct);
                throw new RuleViolationException("patient-1 already had an infusion on 2026-12-07");
            },
            CancellationToken.None);

        Assert.Equal("replayed infusion-1", answer);
    }

    [Fact]
    public async Task A_rule_violation_without_a_first_call_stays_the_callers()
    {
        var store = new SqliteDocumentStore(Path.Combine(_folder, "store.db"), new OutboxSignal());
        var key = IdempotencyKey.Of("alone-0123456789abcdef", Clinician, "RecordInfusion", new Infusion("patient-2", "2026-12-07"));

        await Assert.ThrowsAsync<RuleViolationException>(() => store.OnceAsync<string>(key, _clock,
            replay: (id, _) => Task.FromResult(id),
            create: _ => throw new RuleViolationException("patient-2 is not enrolled"),
            CancellationToken.None));
    }

    public void Dispose() => _folder.Dispose();

    private sealed record Infusion(string Patient, string Day);
}
