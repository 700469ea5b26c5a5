using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.UseCases.Patients;

namespace CarTConsortium.Registry.DemoData;

/// <summary>
/// Synthetic patients for the demo, entered through the same use cases a clinician calls,
/// so every one of them passes every rule. A fixed seed makes the same cohort each time.
/// The odds are set near the review paper's benchmark (CR ~85%, one-year OS ~77%, severe
/// CRS ~8%, severe ICANS ~10%), so the consortium's figures land beside it, with the
/// spread a cohort this small has.
/// </summary>
internal sealed class DemoPatients(EnrolPatient enrolPatient, RecordInfusion recordInfusion, RecordOutcome recordOutcome, TimeProvider clock)
{
    private const int Seed = 2026;

    /// <summary>Where the demo children are treated, whose identifier they carry, the products used there, and how many.</summary>
    private static readonly (string Institution, string TreatingCountry, string PatientCountry, string[] Products, int Count)[] Cohorts =
    [
        ("kz-astana-childrens", "KZ", "KZ", ["ncb-cd19-academic", "tisagenlecleucel"], 22),
        ("kz-almaty-oncology", "KZ", "KZ", ["tisagenlecleucel"], 8),
        ("kz-astana-childrens", "KZ", "KG", ["ncb-cd19-academic"], 6),
        ("uz-ncmc-tashkent", "UZ", "UZ", ["tisagenlecleucel"], 16),
        ("uz-samarkand-childrens", "UZ", "UZ", ["tisagenlecleucel"], 3),
        ("kg-bishkek-childrens", "KG", "KG", ["tisagenlecleucel"], 9),
        ("kg-osh-oncology", "KG", "KG", ["tisagenlecleucel"], 2),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        var random = new Random(Seed);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var number = 0;
        foreach (var cohort in Cohorts)
        {
            var clinician = new Caller("demo-seed", "demo-seed", cohort.TreatingCountry, cohort.Institution, new HashSet<string> { Roles.Clinician });
            for (var i = 0; i < cohort.Count; i++)
            {
                number++;
                await SeedOneAsync(clinician, cohort.PatientCountry, cohort.Institution, cohort.Products[random.Next(cohort.Products.Length)], number, random, today, ct);
            }
        }
    }

    private async Task SeedOneAsync(Caller clinician, string country, string institution, string product, int number, Random random, DateOnly today, CancellationToken ct)
    {
        var infused = today.AddDays(-random.Next(35, 3 * 365 + 180));
        var birth = infused.AddYears(-random.Next(2, 22)).AddMonths(-random.Next(0, 12));
        var crossBorder = random.NextDouble() < 0.6;
        var enrolled = await enrolPatient.ExecuteAsync(new EnrolPatientCommand($"DEMO-{country}-{number:D6}", country, institution, birth.Year, birth.Month,
            random.NextDouble() < 0.45 ? Sex.Female : Sex.Male,
            random.NextDouble() < 0.7 ? DiseaseStatus.Relapsed : DiseaseStatus.Refractory,
            Cd19Status.Positive, random.Next(1, 5),
            new Consents(Registry: true, CrossBorderSharing: crossBorder, Research: crossBorder || random.NextDouble() < 0.5)), clinician, counted: false, ct);
        var pseudonym = enrolled.Id;

        await recordInfusion.ExecuteAsync(new RecordInfusionCommand(pseudonym, product, Math.Round(0.5 + (random.NextDouble() * 4), 1), Day(infused), null),
            clinician, ct);
        await Outcome(infused.AddDays(random.Next(1, 6)), new ToxicityReport(ToxicityKind.Crs, CrsGrade(random), null));
        var icans = IcansGrade(random);
        if (icans > 0)
        {
            await Outcome(infused.AddDays(random.Next(4, 9)), new ToxicityReport(ToxicityKind.Icans, icans, null));
        }

        // Death within the first year for about one child in four; later deaths are rarer.
        var remission = random.NextDouble() < 0.80;
        var deathDay = random.NextDouble() < (remission ? 0.12 : 0.6) ? random.Next(40, 365) : random.NextDouble() < 0.08 ? random.Next(365, 1000) : (int?)null;
        var assessed = infused.AddDays(28);
        if (assessed > today)
        {
            return;
        }
        await Outcome(assessed, new ResponseReport(remission ? (random.NextDouble() < 0.85 ? Day28Response.Cr : Day28Response.Cri) : Day28Response.NoResponse,
            remission && random.NextDouble() < 0.88));
        var relapseDay = remission && random.NextDouble() < 0.3 ? random.Next(60, 500) : (int?)null;
        if (deathDay is { } d && relapseDay > d - 10)
        {
            relapseDay = null;
        }
        // Visits every six months until death or today (enough for one-year figures, and a quick start), with the relapse and death on their days.
        for (var day = 180; infused.AddDays(day) <= today && (deathDay is null || day < deathDay); day += 180)
        {
            if (relapseDay is { } r && r <= day && r > day - 180)
            {
                await Outcome(infused.AddDays(r), new RelapseReport(random.NextDouble() < 0.7 ? Cd19Status.Positive : Cd19Status.Negative));
            }
            var relapsed = relapseDay is { } rd && rd <= day;
            await Outcome(infused.AddDays(day), new FollowUpReport(relapsed || !remission ? DiseaseState.ActiveDisease : DiseaseState.InRemission,
                !relapsed && remission && random.NextDouble() < 0.7));
        }
        if (deathDay is { } dd && infused.AddDays(dd) <= today)
        {
            await Outcome(infused.AddDays(dd), new DeathReport(remission ? "infection" : "disease progression"));
        }

        Task Outcome(DateOnly on, OutcomeReport report) => recordOutcome.ExecuteAsync(new RecordOutcomeCommand(pseudonym, Day(on), report), clinician, ct);
    }

    private static DateParts Day(DateOnly day) => DateParts.Of(day);

    private static int CrsGrade(Random random) => random.NextDouble() switch
    {
        < 0.30 => 0,
        < 0.62 => 1,
        < 0.92 => 2,
        < 0.98 => 3,
        _ => 4,
    };

    private static int IcansGrade(Random random) => random.NextDouble() switch
    {
        < 0.70 => 0,
        < 0.80 => 1,
        < 0.90 => 2,
        < 0.97 => 3,
        _ => 4,
    };
}
