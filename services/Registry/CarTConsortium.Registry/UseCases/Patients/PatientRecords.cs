using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Statistics;
using Google.Protobuf;

namespace CarTConsortium.Registry.UseCases.Patients;

/// <summary>The reads and writes of patient records that several patient use cases share.</summary>
internal static class PatientRecords
{
    public static void CheckPseudonym(string? pseudonym, Validator validator) =>
        validator.Check(Pseudonymiser.IsPseudonym(pseudonym), "pseudonym", "must be a pseudonym as EnrolPatient returned it, e.g. KZ-7F3K-9Q2M-4N5P-R8TV");

    /// <summary>PERMISSION_DENIED with the decision's reason unless it allows.</summary>
    public static void Demand(this Caller caller, (bool Allowed, string Reason) decision) => caller.Demand(decision.Allowed, decision.Reason);

    public static async Task<Stored<PatientRecord>> FindPatientAsync(this IDocumentStore store, string pseudonym, CancellationToken ct) =>
        await store.FindAsync(RegistryCollections.Patients, pseudonym, ct)
        ?? throw new NotFoundException($"No patient '{pseudonym}' is enrolled.");

    /// <summary>
    /// The caller, its institution kept only when the registry places that institution in the
    /// caller's country. The federation binds a token's country to its issuer, not its org: a
    /// provider must not make its clients "the treating institution" of another country.
    /// </summary>
    public static async Task<Caller> VerifiedAsync(this IDocumentStore store, Caller caller, CancellationToken ct)
    {
        if (caller.Org is null)
        {
            return caller;
        }
        var institution = await store.FindAsync(RegistryCollections.Institutions, caller.Org, ct);
        return institution is not null && caller.IsOfCountry(institution.Value.CountryCode) ? caller : caller with { Org = null };
    }

    /// <summary>The record, for a caller who may record infusions and outcomes in it.</summary>
    public static async Task<Stored<PatientRecord>> FindWritableAsync(this IDocumentStore store, Caller caller, string pseudonym, CancellationToken ct)
    {
        var validator = new Validator();
        CheckPseudonym(pseudonym, validator);
        validator.ThrowIfInvalid();
        var current = await store.FindPatientAsync(pseudonym, ct);
        var verified = await store.VerifiedAsync(caller, ct);
        verified.Demand(PatientVisibility.CanRecordClinicalData(verified, current.Value));
        return current;
    }

    /// <summary>
    /// Saves the change against the version it was read at: a concurrent write of the record makes this
    /// one ABORTED, never lost. The statistics' tallies change in the same commit; a race lost on a tally
    /// alone (another patient of the same cell and shard) is run again, the record still checked against
    /// the version it was read at. Tallies found not holding the record's old case never refuse the write:
    /// it is saved and they are marked to be built again.
    /// </summary>
    /// <param name="key">The client's request id, remembered with <paramref name="createdId"/> in the same commit.</param>
    public static async Task<Stored<PatientRecord>> UpdatePatientAsync(this IDocumentStore store, Stored<PatientRecord> current, PatientRecord changed,
        IMessage integrationEvent, TimeProvider clock, StatisticsSnapshots snapshots, CancellationToken ct, IdempotencyKey? key = null, string createdId = "")
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var changes = new ChangeSet().Update(RegistryCollections.Patients, current, changed).Raise(integrationEvent, clock).Remember(key, createdId, clock);
                try
                {
                    await store.AddTallyChangesAsync(changes, current.Value, changed, ct);
                }
                catch (TallyMismatchException)
                {
                    if (await RecordChangedAsync(store, current, ct))
                    {
                        // The tally already counts a newer version of the record than the one this change was made from.
                        throw new StaleVersionException(RegistryCollections.Patients.Name, current.Id);
                    }
                    // The tallies drifted from the records (e.g. an older release wrote without them). The record is the truth:
                    // it is saved all the same, without tally changes, and the tallies are marked to be built again.
                    changes = new ChangeSet().Update(RegistryCollections.Patients, current, changed).Raise(integrationEvent, clock).Remember(key, createdId, clock);
                    await store.AddTalliesDriftedAsync(changes, ct);
                }
                await store.CommitAsync(changes, ct);
                snapshots.Changed();
                return current with { Version = current.Version + 1, Value = changed };
            }
            catch (Exception e) when (e is ConcurrencyConflictException or DocumentExistsException && attempt < MaxTallyAttempts)
            {
                if (await RecordChangedAsync(store, current, ct))
                {
                    // The record itself changed: the change was decided on what it was, so the caller decides again.
                    throw;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 2 << Math.Min(attempt, 5))), ct);
            }
        }
    }

    /// <summary>Races lost on tallies alone before the last one reaches the caller (ABORTED); with the tallies' shards they are rare.</summary>
    private const int MaxTallyAttempts = 50;

    private static async Task<bool> RecordChangedAsync(IDocumentStore store, Stored<PatientRecord> current, CancellationToken ct) =>
        (await store.FindAsync(RegistryCollections.Patients, current.Id, ct))?.Version != current.Version;

    /// <summary>One access-log entry per record read, committed before the records are returned.</summary>
    public static async Task LogReadsAsync(this IDocumentStore store, Caller caller, string rpc, List<Stored<PatientRecord>> read,
        AccessLogEntry.Reason reason, TimeProvider clock, CancellationToken ct)
    {
        if (read.Count == 0)
        {
            return;
        }
        var changes = new ChangeSet();
        foreach (var entry in AccessLogEntry.For(caller, rpc, read.Select(r => r.Id), reason, clock.GetUtcNow()))
        {
            changes.Insert(RegistryCollections.AccessLog, entry.EntryId, entry);
        }
        await store.CommitAsync(changes, ct);
    }
}
