using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Domain.AccessLog;

namespace CarTConsortium.Registry.Domain.Patients;

/// <summary>
/// Who may read and write a patient's record: the object-level rules behind the RPCs' role
/// rules. Each answer comes with its reason, for the access log when allowed and for the
/// PERMISSION_DENIED message when not:
/// <code>
/// var (allowed, why) = PatientVisibility.CanRead(caller, record);
/// caller.Demand(allowed, why);
/// </code>
/// </summary>
/// <remarks>
/// Read: clinicians and hospital coordinators of the treating institution (wherever it is)
/// or of the patient's country; clinicians of other countries and consortium admins only in
/// the consortium view (registry and cross-border-sharing consent). Procurement,
/// regulatory and manufacturing roles never read patient-level data. A frozen record
/// (registry consent withdrawn) is read by its treating institution only.
/// Write: only the treating institution, whatever the consents: clinicians record
/// infusions and outcomes; clinicians and hospital coordinators enrol and change consent.
/// The record itself refuses data while frozen.
/// </remarks>
public static class PatientVisibility
{
    /// <summary>
    /// The one answer to every refused read of a record: why (no consent, a frozen record)
    /// would itself tell something about the patient.
    /// </summary>
    public const string NotVisible = "This patient's record is not visible to you: it is seen in the patient's country, at the treating institution, and elsewhere only with the patient's consent.";

    /// <summary>What a read for research is told when the patient did not consent to it.</summary>
    public const string NoResearchConsent = "The patient did not consent to research use of the record.";

    public static (bool Allowed, string Reason) CanRead(Caller caller, PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(record);
        var clinician = caller.HasRole(Roles.Clinician);
        var careTeam = clinician || caller.HasRole(Roles.HospitalCoordinator);
        if (!careTeam && !caller.IsConsortiumAdmin)
        {
            return (false, "Patient records are read by clinicians, hospital coordinators and consortium admins only.");
        }
        if (careTeam && caller.IsOfOrg(record.TreatingInstitutionId))
        {
            return (true, "The caller's institution treats the patient.");
        }
        if (record.IsFrozen)
        {
            return (false, "Only the treating institution may see this record now.");
        }
        if (careTeam && caller.IsOfCountry(record.CountryCode))
        {
            return (true, $"The caller acts in the patient's country ({record.CountryCode}).");
        }
        if (clinician || caller.IsConsortiumAdmin)
        {
            return record.Consents.SharedAcrossBorders
                ? (true, "The patient consented to cross-border sharing (consortium view).")
                : (false, $"Outside {record.CountryCode} and the treating institution, the record is seen only with the patient's consent to cross-border sharing.");
        }
        return (false, $"Hospital coordinators see the patients of their own country ({record.CountryCode} here) or institution only.");
    }

    /// <summary>Enrolling a patient for <paramref name="treatingInstitutionId"/>: its own clinicians and hospital coordinators.</summary>
    public static (bool Allowed, string Reason) CanEnrol(Caller caller, string treatingInstitutionId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return OfTreatingInstitution(caller, treatingInstitutionId, Roles.Clinician, Roles.HospitalCoordinator)
            ? (true, "The caller enrols for its own institution.")
            : (false, "Patients are enrolled by a clinician or hospital coordinator of the treating institution, for their own institution only.");
    }

    /// <summary>Granting or withdrawing consents: the treating institution's clinicians and hospital coordinators.</summary>
    public static (bool Allowed, string Reason) CanChangeConsent(Caller caller, PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(record);
        return OfTreatingInstitution(caller, record.TreatingInstitutionId, Roles.Clinician, Roles.HospitalCoordinator)
            ? (true, "The caller's institution treats the patient.")
            : (false, "Consents are changed by a clinician or hospital coordinator of the treating institution only.");
    }

    /// <summary>Recording infusions and outcomes: the treating institution's clinicians.</summary>
    public static (bool Allowed, string Reason) CanRecordClinicalData(Caller caller, PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(record);
        return OfTreatingInstitution(caller, record.TreatingInstitutionId, Roles.Clinician)
            ? (true, "The caller is a clinician of the treating institution.")
            : (false, "Infusions and outcomes are recorded by a clinician of the treating institution only.");
    }

    /// <summary>A read for research needs the patient's consent to research; care, follow-up, booking and quality review do not.</summary>
    public static bool AllowsPurpose(PatientRecord record, AccessPurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(record);
        return purpose != AccessPurpose.Research || record.Consents.Research;
    }

    /// <summary>One patient's access log: a clinician of its treating institution (consortium admins read the whole log).</summary>
    public static (bool Allowed, string Reason) CanReadAccessLog(Caller caller, PatientRecord record)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(record);
        return caller.IsConsortiumAdmin || OfTreatingInstitution(caller, record.TreatingInstitutionId, Roles.Clinician)
            ? (true, "The caller is a clinician of the treating institution, or a consortium admin.")
            : (false, "Clinicians read the access log of their own institution's patients only.");
    }

    private static bool OfTreatingInstitution(Caller caller, string treatingInstitutionId, params string[] roles) =>
        caller.IsOfOrg(treatingInstitutionId) && roles.Any(caller.HasRole);
}
