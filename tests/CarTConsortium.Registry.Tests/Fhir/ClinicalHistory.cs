using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Tests.UseCases;
using CarTConsortium.Registry.UseCases.Patients;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.Fhir;

/// <summary>A record with every kind of data the registry keeps, for the FHIR tests to carry across.</summary>
internal static class ClinicalHistory
{
    public const string NationalId = "KZ-0405-2016-77";

    /// <summary>Enrolled at Astana with <paramref name="consents"/>, infused, then every outcome up to a death.</summary>
    public static async Task<Stored<PatientRecord>> RecordAsync(RegistryWorld world, Consents? consents = null, string nationalId = NationalId)
    {
        var enrolled = await world.EnrolAsync(AstanaClinician, nationalId, consents: consents ?? Shared);
        var id = enrolled.Id;
        await world.RecordInfusion.ExecuteAsync(new RecordInfusionCommand(id, Academic, 1.2, BuildingBlocks.Errors.DateParts.Of(new DateOnly(2025, 6, 2)), "bk-2025-0042"), AstanaClinician, None);
        await world.OutcomeAsync(AstanaClinician, id, new DateOnly(2025, 6, 4), new ToxicityReport(ToxicityKind.Crs, 2, BuildingBlocks.Errors.DateParts.Of(new DateOnly(2025, 6, 8))));
        await world.OutcomeAsync(AstanaClinician, id, new DateOnly(2025, 6, 6), new ToxicityReport(ToxicityKind.Icans, 1, null));
        await world.OutcomeAsync(AstanaClinician, id, new DateOnly(2025, 6, 30), new ResponseReport(Day28Response.Cr, MrdNegative: true));
        await world.OutcomeAsync(AstanaClinician, id, new DateOnly(2025, 8, 1), new TransplantReport(Allogeneic: true));
        await world.OutcomeAsync(AstanaClinician, id, new DateOnly(2025, 9, 1), new FollowUpReport(DiseaseState.InRemission, BCellAplasia: true));
        await world.OutcomeAsync(AstanaClinician, id, new DateOnly(2025, 11, 10), new RelapseReport(Cd19Status.Negative));
        return await world.OutcomeAsync(AstanaClinician, id, new DateOnly(2026, 1, 15), new DeathReport("disease progression"));
    }
}
