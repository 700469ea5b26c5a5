using System.Security.Cryptography;
using System.Text;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Waitlist;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// Issue 15, failure 2: the draw was HMAC(published seed, entry id), so withdrawing and asking
/// again drew anew, and the hospital could compute a draw before keeping it. The draw now belongs
/// to the patient and product, is fixed at the first request with a seed kept secret until its
/// period has closed, and is reused by every later request.
/// </summary>
public sealed class LotteryRerollAbuseTests
{
    private const int Patients = 27;

    [Fact]
    public async Task Withdrawing_and_asking_again_eight_times_never_changes_the_patients_draw_or_position()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        var others = new List<string>();
        for (var i = 0; i < Patients - 1; i++)
        {
            others.Add((await world.WaitForNewPatientAsync()).Id);
        }
        var patient = await world.EnrolAsync();
        var entry = await world.WaitAsync(patient);
        var first = await PositionAsync(world, entry.Id);

        for (var attempt = 0; attempt < 8; attempt++)
        {
            await world.WithdrawFromWaitlist.ExecuteAsync(new WithdrawFromWaitlistCommand(entry.Id, entry.Version), SlotsWorld.Coordinator(SlotsWorld.Hospital),
                CancellationToken.None);
            entry = await world.WaitAsync(patient);

            Assert.Equal(first.Draw, entry.Value.Draw);
            Assert.Equal(first.Position, (await PositionAsync(world, entry.Id)).Position);
        }
        Assert.Single(await world.Sqlite.QueryAllAsync(SlotsCollections.LotteryDraws, DocumentQuery.All),
            d => d.Value.Pseudonym == patient);
    }

    [Fact]
    public async Task The_draw_depends_on_a_secret_seed_so_nothing_the_hospital_sees_before_the_request_gives_it()
    {
        using var one = await SlotsWorld.CreateAsync();
        using var two = await SlotsWorld.CreateAsync();
        var patient = await one.EnrolAsync();
        await two.ProjectAsync(new Slots.ReadModels.PatientProjection(two.Store), new Contracts.Registry.V1.PatientEnrolled
        {
            Pseudonym = patient,
            CountryCode = "KZ",
            TreatingInstitutionId = SlotsWorld.Hospital,
            BirthYear = 2016,
            BirthMonth = 5,
        });

        // Before any request: the hospital sees the waitlist, and at most the open period's commitment; never a seed.
        var (_, before) = await one.ListWaitlist.ExecuteAsync(new ListWaitlistCommand(SlotsWorld.Product), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);
        Assert.All(before, p => Assert.Null(p.RevealedSeed));

        var inOne = await one.WaitAsync(patient);
        var inTwo = await two.WaitAsync(patient);

        // The same patient, product, hospital, day and clock in two stores: only the secret seeds differ, and so do the draws.
        Assert.NotEqual(inOne.Value.Draw, inTwo.Value.Draw);
        // Nor is it any HMAC of what was public before: the old published seed, the commitment, the entry or request id.
        var (_, shown) = await one.ListWaitlist.ExecuteAsync(new ListWaitlistCommand(SlotsWorld.Product), SlotsWorld.Coordinator(SlotsWorld.Hospital), CancellationToken.None);
        var commitment = Assert.Single(shown).Commitment;
        foreach (var key in new[] { "2026", commitment })
        {
            foreach (var message in new[] { inOne.Id, inOne.Value.RequestId, $"{patient}|{SlotsWorld.Product}" })
            {
                Assert.NotEqual(inOne.Value.Draw, Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message))));
            }
        }
        Assert.Null(Assert.Single(shown).RevealedSeed);
    }

    [Fact]
    public async Task After_the_period_closes_the_revealed_seed_matches_the_commitment_and_verifies_every_draw_and_survives_a_restart()
    {
        using var world = await SlotsWorld.CreateAsync();
        await world.PublishAsync(lines: 1);
        await world.WalkAsync(await world.HoldForNewPatientAsync(), BookingStatus.Confirmed);
        var entries = new[] { await world.WaitForNewPatientAsync(), await world.WaitForNewPatientAsync(UrgencyClass.Urgent), await world.WaitForNewPatientAsync() };
        var (_, open) = await world.ListWaitlist.ExecuteAsync(new ListWaitlistCommand(SlotsWorld.Product), Callers.Admin, CancellationToken.None);

        world.MoveTo(new DateOnly(2026, 4, 1));
        // A restart: the same file opened again; the seed was kept in slots' own store.
        var reopened = new SqliteDocumentStore(world.DatabasePath, new OutboxSignal());
        var periods = await new LotteryDraws(reopened, world.Clock).ShowAsync(["2026-03"], CancellationToken.None);

        var march = Assert.Single(periods, p => p.Period == "2026-03");
        Assert.Equal(Assert.Single(open).Commitment, march.Commitment);
        var seed = Convert.FromHexString(march.RevealedSeed!);
        Assert.Equal(march.Commitment, Convert.ToHexStringLower(SHA256.HashData(seed)));
        Assert.All(entries, e => Assert.Equal(e.Value.Draw,
            Convert.ToHexStringLower(HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes($"{e.Value.Pseudonym}|{SlotsWorld.Product}")))));
        // April's lottery has its own seed, not yet shown.
        Assert.All(periods.Where(p => p.Period == "2026-04"), p => Assert.Null(p.RevealedSeed));
    }

    private static async Task<(int Position, string Draw)> PositionAsync(SlotsWorld world, string entryId)
    {
        var (listed, _) = await world.ListWaitlist.ExecuteAsync(new ListWaitlistCommand(SlotsWorld.Product), Callers.Admin, CancellationToken.None);
        var mine = Assert.Single(listed, l => l.Stored.Id == entryId);
        return (mine.Ranked.Position, mine.Stored.Value.Draw);
    }
}
