using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.UseCases.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>ListAccessLog: the admin reads all of it in time order; a clinician reads one patient's, of its own institution only.</summary>
public sealed class AccessLogTests : IAsyncLifetime
{
    private RegistryWorld _world = null!;
    private string _astanaPatient = null!;
    private string _tashkentPatient = null!;

    public async ValueTask InitializeAsync()
    {
        _world = await CreateAsync();
        _astanaPatient = (await _world.EnrolAsync(AstanaClinician, "KZ-1000-0001", consents: Shared)).Id;
        _tashkentPatient = (await _world.EnrolAsync(TashkentClinician, "UZ-1000-0001", consents: Shared)).Id;
    }

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task The_admin_reads_every_entry_in_time_order_and_can_filter_by_pseudonym()
    {
        var reads = await ReadInTurnAsync();

        var all = await AllEntriesAsync(Admin, null, pageSize: 2);
        var astana = await AllEntriesAsync(Admin, _astanaPatient);

        Assert.Equal(reads, all.Select(e => (e.Subject, e.Pseudonym, e.ReadAt)));
        Assert.Equal(all.OrderBy(e => e.ReadAt).Select(e => e.EntryId), all.Select(e => e.EntryId));
        Assert.Equal(reads.Where(r => r.Pseudonym == _astanaPatient), astana.Select(e => (e.Subject, e.Pseudonym, e.ReadAt)));
        Assert.All(astana, e => Assert.Equal("GetPatient", e.Rpc));
    }

    [Fact]
    public async Task A_clinician_reads_the_log_of_one_patient_of_its_own_institution()
    {
        var reads = await ReadInTurnAsync();

        var own = await AllEntriesAsync(AstanaClinician, _astanaPatient);

        Assert.Equal(reads.Where(r => r.Pseudonym == _astanaPatient), own.Select(e => (e.Subject, e.Pseudonym, e.ReadAt)));
    }

    [Fact]
    public async Task A_clinician_must_name_a_patient()
    {
        await ReadInTurnAsync();

        var invalid = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.ListAccessLog.ExecuteAsync(new ListAccessLogCommand(0, null, null), AstanaClinician, None));
        var empty = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.ListAccessLog.ExecuteAsync(new ListAccessLogCommand(0, null, ""), AstanaClinician, None));
        var malformed = await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.ListAccessLog.ExecuteAsync(new ListAccessLogCommand(0, null, "KZ-1"), Admin, None));

        Assert.Equal("pseudonym", Assert.Single(invalid.Violations).Field);
        Assert.Equal("pseudonym", Assert.Single(empty.Violations).Field);
        Assert.Equal("pseudonym", Assert.Single(malformed.Violations).Field);
    }

    [Fact]
    public async Task A_clinician_is_refused_the_log_of_another_institutions_patient_even_one_it_may_read()
    {
        await ReadInTurnAsync();
        await _world.ReadAsync(AlmatyClinician, _astanaPatient);

        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ListAccessLog.ExecuteAsync(new ListAccessLogCommand(0, null, _astanaPatient), AlmatyClinician, None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ListAccessLog.ExecuteAsync(new ListAccessLogCommand(0, null, _tashkentPatient), AstanaClinician, None));
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ListAccessLog.ExecuteAsync(new ListAccessLogCommand(0, null, _astanaPatient), TashkentClinician, None));
        await Assert.ThrowsAsync<NotFoundException>(() =>
            _world.ListAccessLog.ExecuteAsync(new ListAccessLogCommand(0, null, _world.Pseudonymiser.Derive("KZ", "KZ-9999-9999")), AstanaClinician, None));
    }

    [Fact]
    public async Task The_treating_institutions_coordinator_is_no_clinician_and_reads_no_log()
    {
        await ReadInTurnAsync();

        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ListAccessLog.ExecuteAsync(new ListAccessLogCommand(0, null, _astanaPatient), AstanaCoordinator, None));
    }

    /// <summary>Reads by several callers a minute apart; what each wrote to the log, in order.</summary>
    private async Task<List<(string Subject, string Pseudonym, DateTimeOffset ReadAt)>> ReadInTurnAsync()
    {
        var reads = new List<(string, string, DateTimeOffset)>();
        foreach (var (caller, pseudonym) in new[]
        {
            (AstanaClinician, _astanaPatient),
            (TashkentClinician, _tashkentPatient),
            (TashkentClinician, _astanaPatient),
            (Admin, _tashkentPatient),
            (Admin, _astanaPatient),
            (AstanaCoordinator, _astanaPatient),
            (AstanaClinician, _tashkentPatient),
        })
        {
            _world.Clock.Advance(TimeSpan.FromMinutes(1));
            await _world.ReadAsync(caller, pseudonym);
            reads.Add((caller.Subject, pseudonym, _world.Clock.GetUtcNow()));
        }
        return reads;
    }

    private async Task<List<AccessLogEntry>> AllEntriesAsync(BuildingBlocks.Security.Caller caller, string? pseudonym, int pageSize = 0)
    {
        var entries = new List<AccessLogEntry>();
        string? token = null;
        do
        {
            var page = await _world.ListAccessLog.ExecuteAsync(new ListAccessLogCommand(pageSize, token, pseudonym), caller, None);
            entries.AddRange(page.Entries.Select(e => e.Value));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return entries;
    }
}
