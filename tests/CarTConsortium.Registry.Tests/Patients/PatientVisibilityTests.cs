using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Testing;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

public sealed class PatientVisibilityTests
{
    private const string Samarkand = "uz-rmc-samarkand";

    // Who the caller is beside a KZ patient: the treating institution is Astana (KZ) or,
    // for cross-border care, Tashkent (UZ).
    private static readonly Dictionary<string, (string Treating, string Country, string Org)> Relations = new()
    {
        ["own institution"] = (Astana, "KZ", Astana),
        ["own institution abroad"] = (Tashkent, "UZ", Tashkent),
        ["patient's country"] = (Astana, "KZ", Almaty),
        ["treating institution's country only"] = (Tashkent, "UZ", Samarkand),
        ["other country"] = (Astana, "KG", Bishkek),
    };

    private static readonly Dictionary<string, Consents> ConsentStates = new()
    {
        ["registry only"] = RegistryOnly,
        ["cross-border sharing"] = Shared,
        ["withdrawn (frozen)"] = Withdrawn,
    };

    // Who reads, by role, in the order of Relations; each cell says Y or N for
    // "registry only", "cross-border sharing", "withdrawn (frozen)".
    private static readonly Dictionary<string, string[]> ReadTable = new()
    {
        //                                        own    abroad  country treating other
        [Roles.Clinician] = /*                */ ["YYY", "YYY", "YYN", "NYN", "NYN"],
        [Roles.HospitalCoordinator] = /*      */ ["YYY", "YYY", "YYN", "NNN", "NNN"],
        [Roles.ConsortiumAdmin] = /*          */ ["NYN", "NYN", "NYN", "NYN", "NYN"],
        [Roles.ProcurementOfficer] = /*       */ ["NNN", "NNN", "NNN", "NNN", "NNN"],
        [Roles.RegulatoryOfficer] = /*        */ ["NNN", "NNN", "NNN", "NNN", "NNN"],
        [Roles.ManufacturingSite] = /*        */ ["NNN", "NNN", "NNN", "NNN", "NNN"],
    };

    // Who writes, by role, in the order of Relations, whatever the consents:
    // record infusions and outcomes / change consent / enrol.
    private static readonly Dictionary<string, string[]> WriteTable = new()
    {
        //                                        own    abroad  country treating other
        [Roles.Clinician] = /*                */ ["YYY", "YYY", "NNN", "NNN", "NNN"],
        [Roles.HospitalCoordinator] = /*      */ ["NYY", "NYY", "NNN", "NNN", "NNN"],
        [Roles.ConsortiumAdmin] = /*          */ ["NNN", "NNN", "NNN", "NNN", "NNN"],
        [Roles.ProcurementOfficer] = /*       */ ["NNN", "NNN", "NNN", "NNN", "NNN"],
        [Roles.RegulatoryOfficer] = /*        */ ["NNN", "NNN", "NNN", "NNN", "NNN"],
        [Roles.ManufacturingSite] = /*        */ ["NNN", "NNN", "NNN", "NNN", "NNN"],
    };

    public static TheoryData<string, string, string, bool> ReadCases
    {
        get
        {
            var cases = new TheoryData<string, string, string, bool>();
            foreach (var (role, row) in ReadTable)
            {
                foreach (var (relation, cells) in Relations.Keys.Zip(row))
                {
                    foreach (var (consents, cell) in ConsentStates.Keys.Zip(cells))
                    {
                        cases.Add(role, relation, consents, cell == 'Y');
                    }
                }
            }
            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(ReadCases))]
    public void Who_reads_a_record(string role, string relation, string consents, bool allowed)
    {
        var (treating, country, org) = Relations[relation];
        var record = Record(treating, ConsentStates[consents]);

        var (readable, reason) = PatientVisibility.CanRead(Callers.Of(role, country, org), record);

        Assert.Equal(allowed, readable);
        Assert.NotEmpty(reason);
    }

    public static TheoryData<string, string, string> WriteCases
    {
        get
        {
            var cases = new TheoryData<string, string, string>();
            foreach (var (role, row) in WriteTable)
            {
                foreach (var (relation, cells) in Relations.Keys.Zip(row))
                {
                    cases.Add(role, relation, cells);
                }
            }
            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(WriteCases))]
    public void Who_writes_a_record_whatever_its_consents(string role, string relation, string expected)
    {
        var (treating, country, org) = Relations[relation];
        var caller = Callers.Of(role, country, org);

        foreach (var consents in ConsentStates.Values)
        {
            var record = Record(treating, consents);
            var answers = new[]
            {
                PatientVisibility.CanRecordClinicalData(caller, record),
                PatientVisibility.CanChangeConsent(caller, record),
                PatientVisibility.CanEnrol(caller, treating),
            };

            Assert.Equal(expected, new string(answers.Select(a => a.Allowed ? 'Y' : 'N').ToArray()));
            Assert.All(answers, a => Assert.NotEmpty(a.Reason));
        }
    }

    [Theory]
    [InlineData("registry only", false)]
    [InlineData("cross-border sharing", true)]
    [InlineData("withdrawn (frozen)", false)]
    public void The_consortium_admin_sees_the_consortium_view_only(string consents, bool allowed)
    {
        Assert.Equal(allowed, PatientVisibility.CanRead(Callers.Admin, Record(Astana, ConsentStates[consents])).Allowed);
    }

    [Fact]
    public void Research_consent_alone_opens_no_view_abroad()
    {
        var record = Record(Astana, new Consents(Registry: true, CrossBorderSharing: false, Research: true));

        Assert.False(PatientVisibility.CanRead(Callers.Of(Roles.Clinician, "UZ", Tashkent), record).Allowed);
        Assert.False(PatientVisibility.CanRead(Callers.Admin, record).Allowed);
    }

    [Fact]
    public void A_caller_without_a_role_reads_and_writes_nothing()
    {
        var nobody = new Caller("someone", "client", "KZ", Astana, new HashSet<string>());
        var record = Record(Astana, Shared);

        Assert.False(PatientVisibility.CanRead(nobody, record).Allowed);
        Assert.False(PatientVisibility.CanRecordClinicalData(nobody, record).Allowed);
        Assert.False(PatientVisibility.CanChangeConsent(nobody, record).Allowed);
        Assert.False(PatientVisibility.CanEnrol(nobody, Astana).Allowed);
    }

    [Fact]
    public void A_caller_with_a_care_role_among_others_is_judged_by_the_care_role()
    {
        var both = new Caller("dr", "client", "UZ", Tashkent, new HashSet<string> { Roles.ProcurementOfficer, Roles.Clinician });

        Assert.True(PatientVisibility.CanRead(both, Record(Astana, Shared)).Allowed);
        Assert.False(PatientVisibility.CanRead(both, Record(Astana, RegistryOnly)).Allowed);
    }

    [Fact]
    public void A_caller_without_a_country_or_institution_is_of_none()
    {
        var stateless = new Caller("dr", "client", null, null, new HashSet<string> { Roles.HospitalCoordinator });

        Assert.False(PatientVisibility.CanRead(stateless, Record(Astana, Shared)).Allowed);
        Assert.False(PatientVisibility.CanEnrol(stateless, Astana).Allowed);
    }

    [Fact]
    public void The_country_is_compared_without_case_and_the_institution_exactly()
    {
        var record = Record(Astana, RegistryOnly);

        Assert.True(PatientVisibility.CanRead(Callers.Of(Roles.Clinician, "kz", Almaty), record).Allowed);
        Assert.False(PatientVisibility.CanRecordClinicalData(Callers.Of(Roles.Clinician, "KG", "KZ-NCB-ASTANA"), record).Allowed);
    }

    [Fact]
    public void Each_answer_says_why()
    {
        var local = Record(Astana, RegistryOnly);
        var shared = Record(Astana, Shared);
        var frozen = Record(Astana, Withdrawn);

        Assert.Equal((true, "The caller's institution treats the patient."),
            PatientVisibility.CanRead(Callers.Of(Roles.Clinician, "KZ", Astana), frozen));
        Assert.Equal((true, "The caller acts in the patient's country (KZ)."),
            PatientVisibility.CanRead(Callers.Of(Roles.HospitalCoordinator, "KZ", Almaty), local));
        Assert.Equal((true, "The patient consented to cross-border sharing (consortium view)."),
            PatientVisibility.CanRead(Callers.Admin, shared));
        Assert.Equal((false, "Only the treating institution may see this record now."),
            PatientVisibility.CanRead(Callers.Of(Roles.Clinician, "KZ", Almaty), frozen));
        Assert.Equal((false, "Outside KZ and the treating institution, the record is seen only with the patient's consent to cross-border sharing."),
            PatientVisibility.CanRead(Callers.Of(Roles.Clinician, "UZ", Tashkent), local));
        Assert.Equal((false, "Hospital coordinators see the patients of their own country (KZ here) or institution only."),
            PatientVisibility.CanRead(Callers.Of(Roles.HospitalCoordinator, "UZ", Tashkent), shared));
        Assert.Equal((false, "Patient records are read by clinicians, hospital coordinators and consortium admins only."),
            PatientVisibility.CanRead(Callers.Of(Roles.RegulatoryOfficer, "KZ", Astana), shared));
        Assert.Equal((false, "Infusions and outcomes are recorded by a clinician of the treating institution only."),
            PatientVisibility.CanRecordClinicalData(Callers.Of(Roles.HospitalCoordinator, "KZ", Astana), local));
    }

    private static PatientRecord Record(string treatingInstitutionId, Consents consents)
    {
        var enrolled = Enrolled(treatingInstitutionId, consents.Registry ? consents : RegistryOnly);
        return consents.Registry ? enrolled : enrolled.ChangeConsent(consents, Now);
    }
}
