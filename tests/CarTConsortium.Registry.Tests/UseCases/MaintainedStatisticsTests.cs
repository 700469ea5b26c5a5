using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.Tests.Statistics;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Registry.UseCases.Statistics;
using CarTConsortium.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// The statistics kept with every patient write, on a real store, against a recomputation from
/// every record: random enrolments, infusions (an earlier one moves the case to another cell),
/// outcomes and consent withdrawals and renewals, refused writes among them; writes at the same time;
/// a restart; and a registry whose records predate the tallies.
/// </summary>
public sealed class MaintainedStatisticsTests
{
    private static readonly (Caller Clinician, string? Country)[] Treaters =
        [(AstanaClinician, null), (AstanaClinician, "KG"), (AlmatyClinician, null), (TashkentClinician, null)];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_writes_keep_every_figure_equal_to_a_recomputation_from_the_records(int seed)
    {
        await using var world = await CreateAsync();
        var random = new Random(seed);
        var patients = new List<(Caller Clinician, string Pseudonym)>();
        for (var i = 0; i < 36; i++)
        {
            var (clinician, country) = Treaters[random.Next(Treaters.Length)];
            var enrolled = await world.EnrolAsync(clinician, $"KZ-{seed}{i:000}-0001", country, consents: random.Next(3) == 0 ? Shared : RegistryOnly);
            patients.Add((clinician, enrolled.Id));
        }

        for (var step = 0; step < 260; step++)
        {
            var (clinician, pseudonym) = patients[random.Next(patients.Count)];
            await RandomWriteAsync(world, random, clinician, pseudonym);
            if (step % 130 == 129)
            {
                await AssertMaintainedAsync(world);
            }
        }
        // The comparison covered cells with figures and suppressed ones.
        var cube = await world.LiveAsync(new GetStatisticsCommand([Dimension.Country, Dimension.Product, Dimension.Year], null, null, 0));
        Assert.Contains(cube.Cells, cell => cell.Suppressed);
        Assert.True((await world.TotalAsync()).Measures?.PatientsInfused >= StatisticsCube.MinimumCellSize);
    }

    [Fact]
    public async Task Clinicians_recording_at_once_for_patients_of_one_cell_all_succeed_and_all_are_counted()
    {
        await using var world = await CreateAsync();
        var pseudonyms = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            var enrolled = await world.EnrolAsync(i % 2 == 0 ? AstanaClinician : AlmatyClinician, $"KZ-7{i:000}-0002");
            await world.InfuseAsync(i % 2 == 0 ? AstanaClinician : AlmatyClinician, enrolled.Id, D(2025, 6, 1));
            pseudonyms.Add(enrolled.Id);
        }

        // Every write lands in the same cell (KZ, academic, 2025), most shards shared by several of them.
        var written = await Task.WhenAll(pseudonyms.Select((pseudonym, i) => Task.Run(() =>
            world.OutcomeAsync(i % 2 == 0 ? AstanaClinician : AlmatyClinician, pseudonym, D(2025, 6, 29), new ResponseReport(Day28Response.Cr, i % 3 == 0)))));

        Assert.All(written, record => Assert.Equal(3, record.Version));
        await AssertMaintainedAsync(world);
        var total = await world.TotalAsync();
        Assert.Equal(24, total.Measures!.PatientsInfused);
        Assert.Equal(1.0, total.Measures.CompleteRemission!.Value);
    }

    [Fact]
    public async Task Of_two_writes_to_one_record_made_from_the_same_revision_one_is_saved_and_counted_and_the_other_aborted()
    {
        await using var world = await CreateAsync();
        var enrolled = await world.EnrolAsync(AstanaClinician, "KZ-7100-0003");
        await world.InfuseAsync(AstanaClinician, enrolled.Id, D(2025, 6, 1));
        var racing = new RecordOutcome(new SameRevisionStore(world.Store, readers: 2), world.Clock, world.StatisticsSnapshots);

        var results = await Task.WhenAll(
            Attempt(new ResponseReport(Day28Response.Cr, false), D(2025, 6, 29)),
            Attempt(new DeathReport("sepsis"), D(2025, 7, 2)));

        Assert.Single(results, error => error is null);
        Assert.IsType<StaleVersionException>(Assert.Single(results, error => error is not null));
        Assert.Equal(3, (await world.StoredAsync(enrolled.Id))!.Version);
        await AssertMaintainedAsync(world);

        async Task<Exception?> Attempt(OutcomeReport report, DateOnly on)
        {
            try
            {
                await Task.Run(() => racing.ExecuteAsync(new RecordOutcomeCommand(enrolled.Id, DateParts.Of(on), report), AstanaClinician, None));
                return null;
            }
            catch (ConcurrencyConflictException e)
            {
                return e;
            }
        }
    }

    [Fact]
    public async Task The_figures_are_the_same_after_a_restart()
    {
        var before = new List<StatisticsSlice>();
        await using var world = await CreateAsync();
        var random = new Random(4);
        for (var i = 0; i < 16; i++)
        {
            var enrolled = await world.EnrolAsync(AstanaClinician, $"KZ-72{i:00}-0004");
            for (var write = 0; write < 6; write++)
            {
                await RandomWriteAsync(world, random, AstanaClinician, enrolled.Id);
            }
        }
        foreach (var request in Requests())
        {
            before.Add(await world.LiveAsync(request));
        }

        var reopened = new SqliteDocumentStore(world.DatabasePath, new OutboxSignal());
        var statistics = new StatisticsSnapshots(world.Clock, NullLogger<StatisticsSnapshots>.Instance);
        var after = new List<StatisticsSlice>();
        foreach (var request in Requests())
        {
            after.Add(await LiveAsync(statistics, reopened, request));
        }

        Assert.Equal(before.Count, after.Count);
        foreach (var (expected, actual) in before.Zip(after))
        {
            Assert.Equal(expected.Cells, actual.Cells);
            Assert.Equal(expected.Total, actual.Total);
        }
        Assert.Contains(before, slice => slice.Total.Measures is { PatientsInfused: > 0 });
    }

    [Fact]
    public async Task Records_kept_before_the_tallies_are_counted_once_by_the_build_and_writes_after_it_keep_them()
    {
        await using var world = await CreateAsync(statisticsBuilt: false);
        var random = new Random(5);
        var pseudonyms = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var enrolled = await world.EnrolAsync(AstanaClinician, $"KZ-73{i:00}-0005");
            pseudonyms.Add(enrolled.Id);
            for (var write = 0; write < 5; write++)
            {
                await RandomWriteAsync(world, random, AstanaClinician, enrolled.Id);
            }
        }
        // Before the build, writes keep no tally: they only mark that records changed.
        Assert.Empty(await world.Store.QueryAllAsync(RegistryCollections.TallyShards, DocumentQuery.All, None));
        var state = await world.Store.FindAsync(RegistryCollections.TallyStates, TallyState.Id, None);
        Assert.False(state!.Value.Built);

        Assert.True(await world.BuildStatisticsTallies.ExecuteAsync(None));
        Assert.False(await world.BuildStatisticsTallies.ExecuteAsync(None));
        await AssertMaintainedAsync(world);

        foreach (var pseudonym in pseudonyms)
        {
            await RandomWriteAsync(world, random, AstanaClinician, pseudonym);
        }
        await AssertMaintainedAsync(world);
    }

    [Fact]
    public async Task A_registry_asked_for_statistics_before_its_tallies_are_built_refuses_to_retry_and_reads_no_record()
    {
        await using var world = await CreateAsync(statisticsBuilt: false);
        for (var i = 0; i < 6; i++)
        {
            var enrolled = await world.EnrolAsync(AstanaClinician, $"KZ-7400-00{i:00}");
            await world.InfuseAsync(AstanaClinician, enrolled.Id, D(2025, 3, 1 + i));
        }
        var before = await world.Store.FindAsync(RegistryCollections.TallyStates, TallyState.Id, None);

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => world.TotalAsync());
        Assert.Contains("retry", refused.Message, StringComparison.Ordinal);
        // Nothing was built inside the request: the state and the tallies are as the writes left them.
        Assert.Equal(before, await world.Store.FindAsync(RegistryCollections.TallyStates, TallyState.Id, None));
        Assert.Empty(await world.Store.QueryAllAsync(RegistryCollections.TallyShards, DocumentQuery.All, None));

        Assert.True(await JobRoundAsync(world));
        Assert.Equal(6, (await world.TotalAsync()).Measures!.PatientsInfused);
        await AssertMaintainedAsync(world);
    }

    [Fact]
    public async Task A_rebuild_over_drifted_tallies_after_the_state_is_deleted_equals_a_recomputation()
    {
        await using var world = await CreateAsync();
        var random = new Random(7);
        var pseudonyms = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            var enrolled = await world.EnrolAsync(AstanaClinician, $"KZ-75{i:00}-0007");
            pseudonyms.Add(enrolled.Id);
            await world.InfuseAsync(AstanaClinician, enrolled.Id, D(2024 + i % 2, 4, 1 + i));
        }
        await AssertMaintainedAsync(world);

        // Drift as a restore from another moment leaves it: a shard counting cases twice, one emptied, one of a cell nobody is in.
        var stored = await world.Store.QueryAllAsync(RegistryCollections.TallyShards, DocumentQuery.All, None);
        var doubled = stored[0];
        var emptied = stored[^1];
        var stray = new CellKey("KZ", Kymriah, 2023);
        await world.Store.CommitAsync(new ChangeSet()
            .Update(RegistryCollections.TallyShards, doubled, doubled.Value with { Tally = doubled.Value.Tally.Merge(doubled.Value.Tally) })
            .Update(RegistryCollections.TallyShards, emptied, emptied.Value with { Tally = CellTally.Empty })
            .Insert(RegistryCollections.TallyShards, TallyShard.IdOf(stray, 3), TallyShard.Of(stray, 3, CellTally.Of([DriftedCase(stray)]))), None);
        // Records written without the tallies (an older release's pods during a rolling upgrade).
        foreach (var pseudonym in pseudonyms.Take(6))
        {
            var current = (await world.StoredAsync(pseudonym))!;
            await world.Store.CommitAsync(new ChangeSet().Update(RegistryCollections.Patients, current, current.Value with { Infusions = [] }), None);
        }
        // The operator's repair, as docs/operations.md gives it.
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = world.DatabasePath, Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM documents WHERE collection = 'statistics_state'";
            Assert.Equal(1, await delete.ExecuteNonQueryAsync());
        }

        Assert.True(await JobRoundAsync(world));
        await AssertMaintainedAsync(world);
        Assert.Equal(18, (await world.TotalAsync()).Measures!.PatientsInfused);
        // A second rebuild asked for over built tallies changes nothing, and writes keep them after it.
        Assert.False(await JobRoundAsync(world));
        foreach (var pseudonym in pseudonyms)
        {
            await RandomWriteAsync(world, random, AstanaClinician, pseudonym);
        }
        await AssertMaintainedAsync(world);
    }

    [Fact]
    public async Task A_write_that_finds_its_tally_drifted_is_saved_and_the_next_rebuild_puts_the_figures_right()
    {
        await using var world = await CreateAsync();
        var enrolled = await world.EnrolAsync(AstanaClinician, "KZ-7600-0008");
        await world.InfuseAsync(AstanaClinician, enrolled.Id, D(2025, 6, 1));
        // The tally lost the case (e.g. restored from before the infusion).
        var shard = Assert.Single(await world.Store.QueryAllAsync(RegistryCollections.TallyShards, DocumentQuery.All, None));
        await world.Store.CommitAsync(new ChangeSet().Update(RegistryCollections.TallyShards, shard, shard.Value with { Tally = CellTally.Empty }), None);

        var saved = await world.OutcomeAsync(AstanaClinician, enrolled.Id, D(2025, 6, 29), new ResponseReport(Day28Response.Cr, true));

        Assert.Equal(3, saved.Version);
        var stored = (await world.StoredAsync(enrolled.Id))!;
        Assert.Equal(3, stored.Version);
        Assert.Single(stored.Value.Outcomes);
        Assert.Equal(new TallyState(Built: false, Drifted: true), (await world.Store.FindAsync(RegistryCollections.TallyStates, TallyState.Id, None))!.Value);
        await Assert.ThrowsAsync<RuleViolationException>(() => world.TotalAsync());
        // Writes meanwhile are saved too, and counted by the rebuild.
        var other = await world.EnrolAsync(AstanaClinician, "KZ-7600-0009");
        await world.InfuseAsync(AstanaClinician, other.Id, D(2025, 6, 2));

        Assert.True(await JobRoundAsync(world));
        await AssertMaintainedAsync(world);
        // Both counted (the total itself is suppressed: too few patients to publish).
        Assert.Equal(2, (await world.Store.QueryAllAsync(RegistryCollections.TallyShards, DocumentQuery.All, None)).Sum(shard => shard.Value.Tally.Patients));
    }

    /// <summary>One round of the registry's background build, wired as the module wires it.</summary>
    private static async Task<bool> JobRoundAsync(RegistryWorld world)
    {
        var services = new ServiceCollection().AddSingleton<IDocumentStore>(world.Store).AddSingleton(world.StatisticsSnapshots).AddScoped<BuildStatisticsTallies>().BuildServiceProvider();
        await using (services)
        {
            var job = new StatisticsTalliesJob(services.GetRequiredService<IServiceScopeFactory>(), world.Clock, NullLogger<StatisticsTalliesJob>.Instance);
            // A failed round is logged and reported as false; true says it built them.
            return await job.RunOnceAsync(None);
        }
    }

    /// <summary>A case no record has, as a stray tally holds it.</summary>
    private static CaseSummary DriftedCase(CellKey cell) =>
        new(cell.Country!, cell.ProductId!, new DateOnly(cell.Year!.Value, 5, 1), null, null, false, 0, 0, null, null, new DateOnly(cell.Year.Value, 6, 1));

    /// <summary>One random write by the treating clinician; a refused one (a rule, a bad date) must change nothing.</summary>
    private static async Task RandomWriteAsync(RegistryWorld world, Random random, Caller clinician, string pseudonym)
    {
        var day = new DateOnly(2023, 1, 1).AddDays(random.Next(36) * 30 + random.Next(3));
        try
        {
            switch (random.Next(10))
            {
                case 0 or 1 or 2:
                    await world.InfuseAsync(clinician, pseudonym, day, random.Next(3) == 0 ? Kymriah : Academic);
                    break;
                case 3:
                    var current = (await world.StoredAsync(pseudonym))!;
                    var consents = current.Value.IsFrozen ? RegistryOnly : random.Next(2) == 0 ? Withdrawn : Shared;
                    await world.ChangeConsent.ExecuteAsync(new ChangeConsentCommand(pseudonym, consents, current.Version), clinician, None);
                    break;
                default:
                    await world.OutcomeAsync(clinician, pseudonym, day, RandomReport(random, day));
                    break;
            }
        }
        catch (Exception e) when (e is RuleViolationException or InvalidArgumentException)
        {
        }
    }

    private static OutcomeReport RandomReport(Random random, DateOnly day) => random.Next(7) switch
    {
        0 => new ResponseReport(Day28Response.Cr, random.Next(2) == 0),
        1 => new ResponseReport(random.Next(2) == 0 ? Day28Response.Cri : Day28Response.NoResponse, false),
        2 => new ToxicityReport(random.Next(2) == 0 ? ToxicityKind.Crs : ToxicityKind.Icans, random.Next(5), null),
        3 => new RelapseReport(Cd19Status.Positive),
        4 => new DeathReport("disease progression"),
        5 => new ToxicityReport(ToxicityKind.Crs, 3, DateParts.Of(day.AddDays(random.Next(60)))),
        _ => new FollowUpReport(DiseaseState.InRemission, random.Next(2) == 0),
    };

    private static IEnumerable<GetStatisticsCommand> Requests() =>
        RandomCases.Requests()
            .Where(request => request.Country is null or "KZ" or "KG" or "US" && request.Product is null or Academic or Kymriah && request.Year is null or 2024 or 2025)
            .Select(request => new GetStatisticsCommand([.. request.GroupBy.Select(d => (Dimension?)d)], request.Country, request.Product, request.Year ?? 0));

    /// <summary>
    /// The stored tallies equal the tallies of the records as they are now, cell by cell, and every request
    /// is answered as a cube built from every record would answer it.
    /// </summary>
    private static async Task AssertMaintainedAsync(RegistryWorld world)
    {
        var counted = (await world.AllPatientsAsync()).Select(p => CaseChange.Counted(p.Value)).OfType<CaseSummary>().ToList();
        var stored = await world.Store.QueryAllAsync(RegistryCollections.TallyShards, DocumentQuery.All, None);
        Assert.All(stored, shard => Assert.Equal(TallyShard.IdOf(shard.Value.Cell, shard.Value.Shard), shard.Id));
        var kept = stored.GroupBy(shard => shard.Value.Cell)
            .Select(cell => (cell.Key, Tally: cell.Select(shard => shard.Value.Tally).Aggregate(CellTally.Empty, (sum, tally) => sum.Merge(tally))))
            .Where(cell => !cell.Tally.IsEmpty)
            .OrderBy(cell => cell.Key, CellKey.Order)
            .ToList();
        var expected = counted.GroupBy(CellKey.Of).Select(cell => (cell.Key, Tally: CellTally.Of(cell))).OrderBy(cell => cell.Key, CellKey.Order).ToList();
        Assert.Equal(expected, kept);

        var cube = StatisticsCube.Build(counted);
        foreach (var request in Requests())
        {
            var want = cube.Slice(request.GroupBy.OfType<Dimension>().ToHashSet(), request.CountryCode, request.ProductId, request.Year == 0 ? null : request.Year).Published();
            var got = await world.LiveAsync(request);
            Assert.Equal(want.Cells, got.Cells);
            Assert.Equal(want.Total, got.Total);
        }
    }

    private static DateOnly D(int year, int month, int day) => new(year, month, day);
}
