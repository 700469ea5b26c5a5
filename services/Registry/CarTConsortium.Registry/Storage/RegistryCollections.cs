using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Domain.Products;
using CarTConsortium.Registry.Domain.Statistics;

namespace CarTConsortium.Registry.Storage;

/// <summary>
/// Every collection the registry keeps, with the keys its queries filter on. The document id of
/// each is the aggregate's own id: country code, agreement id (the pair), institution id,
/// product id, pseudonym, access-log entry id, institution and window.
/// </summary>
public static class RegistryCollections
{
    public static readonly Collection<Country> Countries = new("countries", (CountryKeys.Membership, c => c.Membership.ToString()));

    // A document has one value per key, so each side of the pair is its own key.
    public static readonly Collection<Agreement> Agreements = new("agreements",
        (AgreementKeys.FirstCountry, a => a.CountryCodes[0]),
        (AgreementKeys.SecondCountry, a => a.CountryCodes[1]));

    public static readonly Collection<Institution> Institutions = new("institutions",
        (InstitutionKeys.Country, i => i.CountryCode),
        (InstitutionKeys.Kind, i => i.Kind.ToString()),
        (InstitutionKeys.Hub, i => i.HubInstitutionId));

    public static readonly Collection<Product> Products = new("products", (ProductKeys.Manufacturer, p => p.Manufacturer));

    public static readonly Collection<PatientRecord> Patients = new("patients",
        (PatientKeys.Country, p => p.CountryCode),
        (PatientKeys.TreatingInstitution, p => p.TreatingInstitutionId),
        (PatientKeys.Shared, p => p.Consents.SharedAcrossBorders ? PatientKeys.Yes : null),
        (PatientKeys.Active, p => p.IsFrozen ? null : PatientKeys.Yes),
        (PatientKeys.Research, p => !p.IsFrozen && p.Consents.Research ? PatientKeys.Yes : null));

    public static readonly Collection<AccessLogEntry> AccessLog = new("access_log", (AccessLogKeys.Pseudonym, e => e.Pseudonym));

    /// <summary>Enrolments per institution and window (<see cref="EnrolmentLimit.IdOf"/>), counted with each enrolment.</summary>
    public static readonly Collection<EnrolmentWindow> EnrolmentWindows = new("enrolment_windows");

    /// <summary>The statistics' tallies per innermost cell and shard (<see cref="TallyShard.IdOf"/>), maintained with each patient write.</summary>
    public static readonly Collection<TallyShard> TallyShards = new("statistics_tallies");

    /// <summary>One document, <see cref="TallyState.Id"/>: whether the tallies are built.</summary>
    public static readonly Collection<TallyState> TallyStates = new("statistics_state");

    /// <summary>The statistics releases by <see cref="StatisticsRelease.IdOf"/>, each written once.</summary>
    public static readonly Collection<StatisticsRelease> StatisticsReleases = new("statistics_releases");

    /// <summary>One document, <see cref="StatisticsReleaseHead.Id"/>: the latest release's id.</summary>
    public static readonly Collection<StatisticsReleaseHead> StatisticsReleaseHeads = new("statistics_release_head");
}
