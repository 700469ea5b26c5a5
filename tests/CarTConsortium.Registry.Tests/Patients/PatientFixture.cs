using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using Xunit;

namespace CarTConsortium.Registry.Tests.Patients;

/// <summary>A clock, secrets and a patient to build each test's situation from.</summary>
internal static class PatientFixture
{
    /// <summary>09:30 UTC: still 2026-03-10 at UTC+14, so "today" is the 10th and the 11th is tomorrow.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    public static readonly DateOnly Today = new(2026, 3, 10);

    public const string NationalId = "0101 5050-0123";
    public const string Astana = "kz-ncb-astana";
    public const string Almaty = "kz-scp-almaty";
    public const string Tashkent = "uz-rscc-tashkent";
    public const string Bishkek = "kg-ncomd-bishkek";

    /// <summary>32 bytes counting up from <paramref name="first"/>, base64.</summary>
    public static string Secret(int first) => Convert.ToBase64String(Enumerable.Range(first, 32).Select(i => (byte)i).ToArray());

    public static PseudonymisationOptions Options(params (string Country, string Secret)[] secrets)
    {
        var options = new PseudonymisationOptions();
        foreach (var (country, secret) in secrets)
        {
            options.CountrySecrets[country] = secret;
        }
        return options;
    }

    /// <summary>Secrets for KZ and UZ; none for KG.</summary>
    public static Pseudonymiser Pseudonyms { get; } = new(Options(("KZ", Secret(0)), ("UZ", Secret(100))));

    public static Consents RegistryOnly { get; } = new(Registry: true, CrossBorderSharing: false, Research: false);
    public static Consents Shared { get; } = new(Registry: true, CrossBorderSharing: true, Research: true);
    public static Consents Withdrawn { get; } = new(Registry: false, CrossBorderSharing: false, Research: false);

    /// <summary>A girl born in May 2016, KZ, treated in Astana, with registry consent only.</summary>
    public static PatientRecord Enrolled(string treatingInstitutionId = Astana, Consents? consents = null) =>
        PatientRecord.Enrol(Pseudonyms, NationalId, "KZ", treatingInstitutionId, 2016, 5, Sex.Female,
            DiseaseStatus.Relapsed, Cd19Status.Positive, 2, consents ?? RegistryOnly, Now);

    public static DateOnly D(int year, int month, int day) => new(year, month, day);

    public static PatientRecord Infused(this PatientRecord record, DateOnly on) =>
        record.RecordInfusion($"inf-{record.Infusions.Count + 1}", "nexcar19", 1.5, DateParts.Of(on), null, Now);

    public static PatientRecord With(this PatientRecord record, DateOnly on, OutcomeReport report) =>
        record.RecordOutcome($"out-{record.Outcomes.Count + 1}", DateParts.Of(on), report, Astana, Now);

    public static ResponseReport Cr { get; } = new(Day28Response.Cr, MrdNegative: true);
    public static ResponseReport Cri { get; } = new(Day28Response.Cri, MrdNegative: false);
    public static ResponseReport NoResponse { get; } = new(Day28Response.NoResponse, MrdNegative: false);
    public static ToxicityReport Crs2 { get; } = new(ToxicityKind.Crs, 2, null);
    public static RelapseReport Relapsed { get; } = new(Cd19Status.Negative);
    public static TransplantReport Transplanted { get; } = new(Allogeneic: true);
    public static DeathReport Died { get; } = new("disease progression");
    public static FollowUpReport FollowUp { get; } = new(DiseaseState.InRemission, BCellAplasia: true);

    public static RuleViolationException Refused(Func<PatientRecord> change) => Assert.Throws<RuleViolationException>(change);
}
