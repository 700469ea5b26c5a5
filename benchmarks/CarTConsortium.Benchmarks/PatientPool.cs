using System.Security.Cryptography;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using Grpc.Core;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// Children enrolled in the registry up front, each handed out once: a patient who holds a
/// booking may not request another, so every measured request needs a fresh one.
/// </summary>
public sealed class PatientPool
{
    public const int EnrolConcurrency = 16;

    // Slots learns of patients from the registry's events; thousands take a while to arrive.
    private static readonly TimeSpan KnownWithin = TimeSpan.FromMinutes(5);

    private readonly string[] _pseudonyms;
    private int _handedOut;

    private PatientPool(string[] pseudonyms, string sentinel)
    {
        _pseudonyms = pseudonyms;
        Sentinel = sentinel;
    }

    public int Count => _pseudonyms.Length;

    /// <summary>Enrolled after every other patient, so slots knowing it means the rest have arrived too; used only to probe.</summary>
    public string Sentinel { get; }

    /// <summary>Enrols <paramref name="count"/> children at the Astana hospital, <see cref="EnrolConcurrency"/> at a time, then the sentinel.</summary>
    public static async Task<PatientPool> EnrolAsync(RegistryService.RegistryServiceClient clinician, int count, CancellationToken ct)
    {
        // National identifiers new to this run, so a kept --data folder never answers ALREADY_EXISTS.
        var run = "BENCH" + RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 8);
        var pseudonyms = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = EnrolConcurrency, CancellationToken = ct },
            async (i, token) => pseudonyms[i] = (await clinician.EnrolPatientAsync(Child(run, i), cancellationToken: token)).Pseudonym);
        var sentinel = await clinician.EnrolPatientAsync(Child(run, count), cancellationToken: ct);
        return new PatientPool(pseudonyms, sentinel.Pseudonym);
    }

    /// <summary>The next <paramref name="count"/> patients no one has had.</summary>
    public IReadOnlyList<string> Take(int count)
    {
        var end = Interlocked.Add(ref _handedOut, count);
        if (end > _pseudonyms.Length)
        {
            throw new InvalidOperationException($"The pool of {_pseudonyms.Length} patients is used up.");
        }
        return _pseudonyms[(end - count)..end];
    }

    /// <summary>
    /// Asks for a run for the sentinel on a day with no capacity until slots stops answering
    /// NOT_FOUND: the request is refused, so the sentinel keeps no booking.
    /// </summary>
    /// <returns>Null once slots knows the patients; otherwise why it could not be shown, for the report.</returns>
    public async Task<string?> WaitUntilSlotsKnowsAsync(SlotsService.SlotsServiceClient hospital, DateOnly emptyDay, CancellationToken ct)
    {
        try
        {
            await Retry.WhileAsync(token => hospital.RequestRunAsync(RunRequests.For(Sentinel, [emptyDay]), cancellationToken: token).ResponseAsync,
                [StatusCode.NotFound], KnownWithin, ct);
            return null;
        }
        catch (RpcException e)
        {
            return "slots answered the readiness probe (RequestRun) with " + Retry.Describe(e);
        }
    }

    private static EnrolPatientRequest Child(string run, int index)
    {
        // Aged 5 to 14 today whatever the month: well inside a paediatric authorisation's scope.
        var today = DateTime.UtcNow;
        return new EnrolPatientRequest
        {
            NationalId = $"{run}{index:D6}",
            CountryCode = Identities.Country,
            TreatingInstitutionId = Identities.HospitalId,
            BirthYear = today.Year - 6 - (index % 9),
            BirthMonth = 1 + (index % 12),
            Sex = index % 2 == 0 ? Sex.Female : Sex.Male,
            Diagnosis = new Diagnosis { DiseaseStatus = DiseaseStatus.Relapsed, Cd19Status = Cd19Status.Positive, PriorLines = 2 + (index % 2) },
            Consents = new Consents { Registry = true, CrossBorderSharing = true, Research = true },
        };
    }
}
