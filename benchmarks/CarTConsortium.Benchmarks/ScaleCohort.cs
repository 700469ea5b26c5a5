using CarTConsortium.Registry;
using CarTConsortium.Registry.Domain.Patients;
using Microsoft.Extensions.Configuration;

namespace CarTConsortium.Benchmarks;

/// <summary>One seeded patient's place: whose identifier, where treated.</summary>
public sealed record ScalePatientSlot(int Index, string NationalId, string Country, string Institution);

/// <summary>
/// The synthetic registry of one size, fixed by its index alone, so that the seeding process and the
/// measuring process agree on every patient without sharing anything but the numbers. The Astana hub
/// (the hospital the benchmark's tokens speak for) treats 40% of the patients: its bookings and the
/// fresh patients the measured RequestRun calls book for are taken from them.
/// </summary>
public sealed class ScaleCohort
{
    /// <summary>Where the patients are treated, and whose identifier they carry, out of 20: the demo's treatment centres.</summary>
    private static readonly (string Institution, string Country)[] Places =
    [
        .. Enumerable.Repeat((Identities.HospitalId, Identities.Country), 8),
        ("kz-almaty-oncology", "KZ"), ("kz-almaty-oncology", "KZ"),
        ("uz-ncmc-tashkent", "UZ"), ("uz-ncmc-tashkent", "UZ"), ("uz-ncmc-tashkent", "UZ"), ("uz-ncmc-tashkent", "UZ"),
        ("uz-samarkand-childrens", "UZ"),
        ("kg-bishkek-childrens", "KG"), ("kg-bishkek-childrens", "KG"), ("kg-bishkek-childrens", "KG"),
        ("kg-osh-oncology", "KG"),
        // Children of Kyrgyzstan treated at the Astana hub (a cross-border care agreement in the demo).
        (Identities.HospitalId, "KG"),
    ];

    public ScaleCohort(int patients, Pseudonymiser pseudonymiser)
    {
        Patients = patients;
        Pseudonymiser = pseudonymiser;
    }

    public Pseudonymiser Pseudonymiser { get; }

    public int Patients { get; }

    /// <summary>Patients of the Astana hub with a Kazakh identifier: the ones the hospital books for.</summary>
    public int HubPatients => HubPatientsOf(Patients);

    /// <summary>How many of <paramref name="patients"/> are Kazakh patients of the Astana hub.</summary>
    public static int HubPatientsOf(int patients) => (patients / Places.Length * 8) + Math.Min(patients % Places.Length, 8);

    /// <summary>The patient at <paramref name="index"/> (0-based).</summary>
    public static ScalePatientSlot Slot(int index)
    {
        var (institution, country) = Places[index % Places.Length];
        return new ScalePatientSlot(index, $"SCALE{index:D9}", country, institution);
    }

    /// <summary>The index of the <paramref name="n"/>th (0-based) Kazakh patient of the Astana hub.</summary>
    public static int HubIndex(int n) => (n / 8 * Places.Length) + (n % 8);

    public string PseudonymOf(ScalePatientSlot slot) => Pseudonymiser.Derive(slot.Country, slot.NationalId);

    /// <summary>The registry's pseudonymiser with the standalone platform's own secrets (its appsettings.json), as the registry app derives them.</summary>
    public static Pseudonymiser StandalonePseudonymiser()
    {
        var settings = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false).Build();
        var options = new PseudonymisationOptions();
        settings.GetSection(PseudonymisationOptions.Section).Bind(options);
        if (options.CountrySecrets.Count == 0)
        {
            throw new InvalidOperationException($"The standalone platform's appsettings.json holds no {PseudonymisationOptions.Section} secrets.");
        }
        return new Pseudonymiser(options);
    }
}
