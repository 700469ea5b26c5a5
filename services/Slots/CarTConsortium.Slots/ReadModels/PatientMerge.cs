namespace CarTConsortium.Slots.ReadModels;

/// <summary>When the registry's consents for a patient were given: the record's revision, and when the event was raised.</summary>
/// <param name="Revision">The registry record's revision; 0 from a registry that did not send one.</param>
public readonly record struct ConsentStamp(long Revision, DateTimeOffset AsOf)
{
    /// <summary>
    /// Whether consents stamped so replace consents stamped <paramref name="kept"/>: by revision
    /// when both carry one (two changes in one instant stay ordered), else by when they were raised.
    /// </summary>
    public bool IsNewerThan(ConsentStamp kept) =>
        Revision > 0 && kept.Revision > 0 ? Revision > kept.Revision : AsOf > kept.AsOf;
}

/// <summary>
/// How slots' copy of a registry patient is built from PatientEnrolled and PatientConsentChanged
/// in whichever order they arrive (topics are not ordered with each other): a consent change for
/// a patient not seen yet is kept, the enrolment later adds where the patient is treated, and
/// consents are taken only from an event newer than the ones kept, so an older one never
/// overwrites a withdrawal.
/// </summary>
public static class PatientMerge
{
    /// <summary>What the enrolment says: where the patient is treated, the birth month, and the consents given then.</summary>
    /// <param name="consents">Null from a registry that sent none: registry consent (enrolment needs it), nothing shared, older than any change.</param>
    public static KnownPatient Enrolment(KnownPatient? kept, string pseudonym, string countryCode, string treatingInstitutionId, int birthYear, int birthMonth,
        (bool Registry, bool CrossBorderSharing)? consents, ConsentStamp stamp)
    {
        // Enrolment facts do not change: a repeated enrolment (a republish, a replay) keeps them as they are.
        var enrolled = kept is { IsEnrolled: true } ? kept : (kept ?? Unseen(pseudonym)) with
        {
            CountryCode = countryCode,
            TreatingInstitutionId = treatingInstitutionId,
            BirthYear = birthYear,
            BirthMonth = birthMonth,
        };
        var givenStamp = consents is null ? new ConsentStamp(0, DateTimeOffset.MinValue) : stamp;
        return kept is null || givenStamp.IsNewerThan(kept.ConsentStamp) ? WithConsents(enrolled, consents ?? (true, false), givenStamp) : enrolled;
    }

    /// <summary>A consent change: kept when newer than the consents held, whether or not the enrolment has arrived.</summary>
    public static KnownPatient ConsentChange(KnownPatient? kept, string pseudonym, (bool Registry, bool CrossBorderSharing) consents, ConsentStamp stamp) =>
        kept is null ? WithConsents(Unseen(pseudonym), consents, stamp)
        : stamp.IsNewerThan(kept.ConsentStamp) ? WithConsents(kept, consents, stamp)
        : kept;

    /// <summary>A patient slots has heard of only through a consent change: not enrolled, so nothing is booked for it yet.</summary>
    private static KnownPatient Unseen(string pseudonym) =>
        new(pseudonym, "", "", InRegistry: false, SharedAcrossBorders: false, DateTimeOffset.MinValue);

    private static KnownPatient WithConsents(KnownPatient patient, (bool Registry, bool CrossBorderSharing) consents, ConsentStamp stamp) => patient with
    {
        InRegistry = consents.Registry,
        SharedAcrossBorders = consents.Registry && consents.CrossBorderSharing,
        ConsentsAsOf = stamp.AsOf,
        ConsentsRevision = stamp.Revision,
    };
}
