using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.UseCases.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>Reading for research needs the patient's consent to research; no other purpose does.</summary>
public sealed class ResearchPurposeTests : IAsyncLifetime
{
    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task Without_research_consent_a_record_is_read_for_care_but_not_for_research()
    {
        var careOnly = (await _world.EnrolAsync(AstanaClinician, "KZ-2000-0001", consents: RegistryOnly)).Id;
        var research = (await _world.EnrolAsync(AstanaClinician, "KZ-2000-0002", consents: RegistryOnly with { Research = true })).Id;

        await _world.ReadAsync(AlmatyClinician, careOnly, AccessPurpose.QualityReview);
        await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.ReadAsync(AlmatyClinician, careOnly, AccessPurpose.Research));
        await _world.ReadAsync(AlmatyClinician, research, AccessPurpose.Research);
        var listed = await _world.ListPatients.ExecuteAsync(new ListPatientsCommand(0, null, AccessPurpose.Research, "outcomes study", null, "KZ"), AlmatyClinician, None);

        Assert.Equal([research], listed.Patients.Select(p => p.Id));
        // The refused read left no entry; the two reads and the listed one did (in one millisecond of the fake clock, so in no set order).
        var logged = (await _world.AccessLogAsync()).Select(e => $"{e.Pseudonym} {e.Purpose}").Order(StringComparer.Ordinal);
        Assert.Equal(new[] { $"{careOnly} QualityReview", $"{research} Research", $"{research} Research" }.Order(StringComparer.Ordinal), logged);
    }
}
