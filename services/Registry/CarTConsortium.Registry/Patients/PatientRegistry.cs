using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Members;
using CarTConsortium.Registry.Privacy;
using Events = CarTConsortium.Contracts.Registry.V1;
using Product = CarTConsortium.Registry.Products.Product;

namespace CarTConsortium.Registry.Patients;

/// <summary>
/// The use cases of the patient registry, one method each. The record's own rules live in
/// <see cref="PatientRecord"/>, who may see or write it in <see cref="PatientVisibility"/>;
/// this class adds what needs the store: the institution, agreements and catalogue, the
/// access log, optimistic concurrency and the events.
/// </summary>
public sealed class PatientRegistry(IDocumentStore store, TimeProvider clock, Pseudonymiser pseudonymiser)
{
    private const string NotYours = "This patient's record is not visible to you: it is seen in the patient's country, at the treating institution, and elsewhere only with the patient's consent.";

    /// <summary>Enrols a patient at the caller's own institution under the pseudonym of their national identifier.</summary>
    /// <param name="countryCode">The country that issued the identifier; the caller's when empty.</param>
    public async Task<Stored<PatientRecord>> EnrolAsync(Caller caller, string nationalId, string? countryCode, string treatingInstitutionId,
        int birthYear, int birthMonth, Sex? sex, DiseaseStatus? diseaseStatus, Cd19Status? cd19Status, int priorLines, Consents consents, CancellationToken ct)
    {
        var country = string.IsNullOrEmpty(countryCode) ? caller.Country ?? "" : countryCode;
        var record = PatientRecord.Enrol(pseudonymiser, nationalId, country, treatingInstitutionId, birthYear, birthMonth, sex,
            diseaseStatus, cd19Status, priorLines, consents, clock.GetUtcNow());
        caller = await VerifiedAsync(caller, ct);
        Demand(caller, PatientVisibility.CanEnrol(caller, record.TreatingInstitutionId));
        await CheckCareIsPossibleAsync(record, ct);

        var stored = Stored.Inserted(record.Pseudonym, record);
        try
        {
            await store.CommitAsync(new ChangeSet()
                .Insert(PatientRecord.Collection, record.Pseudonym, record)
                .Raise(new Events.PatientEnrolled
                {
                    Pseudonym = record.Pseudonym,
                    CountryCode = record.CountryCode,
                    TreatingInstitutionId = record.TreatingInstitutionId,
                    BirthYear = record.BirthYear,
                    BirthMonth = record.BirthMonth,
                    Consents = RegistryMapping.ToContract(record.Consents),
                }, clock), ct);
        }
        catch (DocumentExistsException)
        {
            // The same identifier always gives the same pseudonym; say so without naming it to a caller who may not see that record.
            throw new AlreadyExistsException($"This patient is already enrolled in the registry for {record.CountryCode}.");
        }
        return stored;
    }

    /// <summary>One patient's record, for a caller who may see it and says why; the read is logged first.</summary>
    public async Task<Stored<PatientRecord>> GetAsync(Caller caller, string pseudonym, AccessPurpose? purpose, string? justification, CancellationToken ct)
    {
        var validator = new Validator();
        CheckPseudonym(pseudonym, validator);
        var reason = AccessLogEntry.CheckReason(purpose, justification, validator);
        validator.ThrowIfInvalid();
        var stored = await FindAsync(pseudonym, ct);
        var verified = await VerifiedAsync(caller, ct);
        // One answer for every refusal: why (no consent, a frozen record) would itself tell something about the patient.
        caller.Demand(PatientVisibility.CanRead(verified, stored.Value).Allowed, NotYours);
        caller.Demand(AllowsPurpose(stored.Value, reason), "The patient did not consent to research use of the record.");
        await LogReadsAsync(caller, "GetPatient", [stored], reason, ct);
        return stored;
    }

    /// <summary>
    /// The records the caller may see, filtered by treating institution and/or country. With
    /// neither, a caller of a country lists that country's patients, and a consortium admin
    /// the consortium view (records shared across borders). Every returned record is logged.
    /// </summary>
    /// <remarks>
    /// Who may see a record is part of the store queries, not a filter on their result: a page
    /// never skips hidden records, so neither its length nor its next_page_token (the last id
    /// of the page) says anything about records the caller may not see. A caller's views: its
    /// own institution (everything it treats), its own country (the active records), and for
    /// clinicians and admins the records shared across borders; the list is their union.
    /// </remarks>
    public async Task<(IReadOnlyList<Stored<PatientRecord>> Patients, string NextPageToken)> ListAsync(Caller caller, int pageSize, string? pageToken,
        AccessPurpose? purpose, string? justification, string? treatingInstitutionId, string? countryCode, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator);
        var reason = AccessLogEntry.CheckReason(purpose, justification, validator);
        if (!string.IsNullOrEmpty(treatingInstitutionId))
        {
            validator.Slug(treatingInstitutionId, "treating_institution_id");
        }
        if (!string.IsNullOrEmpty(countryCode))
        {
            validator.CountryCode(countryCode, "country_code");
        }
        validator.ThrowIfInvalid();

        var verified = await VerifiedAsync(caller, ct);
        var careTeam = caller.HasRole(Roles.Clinician) || caller.HasRole(Roles.HospitalCoordinator);
        var country = string.IsNullOrEmpty(countryCode) && string.IsNullOrEmpty(treatingInstitutionId) ? caller.Country : countryCode;
        var filtered = query.WhereKey(PatientRecord.TreatingInstitutionKey, treatingInstitutionId).WhereKey(PatientRecord.CountryKey, country);
        if (reason.Purpose == AccessPurpose.Research)
        {
            filtered = filtered.WhereKey(PatientRecord.ResearchKey, PatientRecord.Yes);
        }
        // The views the caller has that the filters do not rule out, each a query of its own.
        var views = new List<DocumentQuery>();
        if (careTeam && verified.Org is { } org && (string.IsNullOrEmpty(treatingInstitutionId) || treatingInstitutionId == org))
        {
            views.Add(filtered.WhereKey(PatientRecord.TreatingInstitutionKey, org));
        }
        if (careTeam && caller.Country is { } own && (string.IsNullOrEmpty(country) || country == own))
        {
            views.Add(filtered.WhereKey(PatientRecord.CountryKey, own).WhereKey(PatientRecord.ActiveKey, PatientRecord.Yes));
        }
        if (caller.HasRole(Roles.Clinician) || caller.IsConsortiumAdmin)
        {
            views.Add(filtered.WhereKey(PatientRecord.SharedKey, PatientRecord.Yes));
        }
        var page = await QueryUnionAsync(views, query.Limit, ct);
        // The queries selected only what the caller may see; this is the same rule, checked once more.
        var visible = page.Items.Where(p => PatientVisibility.CanRead(verified, p.Value).Allowed && AllowsPurpose(p.Value, reason)).ToList();
        if (visible.Count != page.Items.Count)
        {
            throw new InvalidOperationException("ListPatients selected a record its caller may not see.");
        }
        await LogReadsAsync(caller, "ListPatients", visible, reason, ct);
        return (visible, Paging.NextToken(page));
    }

    public async Task<Stored<PatientRecord>> ChangeConsentAsync(Caller caller, string pseudonym, Consents consents, long expectedRevision, CancellationToken ct)
    {
        var validator = new Validator();
        CheckPseudonym(pseudonym, validator);
        validator.CheckExpectedRevision(expectedRevision);
        validator.ThrowIfInvalid();
        var current = await FindAsync(pseudonym, ct);
        caller = await VerifiedAsync(caller, ct);
        Demand(caller, PatientVisibility.CanChangeConsent(caller, current.Value));
        ExpectedRevision.Require(PatientRecord.Collection, current, expectedRevision);
        var changed = current.Value.ChangeConsent(consents, clock.GetUtcNow());
        if (ReferenceEquals(changed, current.Value))
        {
            return current;
        }
        return await UpdateAsync(current, changed, new Events.PatientConsentChanged
        {
            Pseudonym = changed.Pseudonym,
            Consents = RegistryMapping.ToContract(changed.Consents),
        }, ct);
    }

    public async Task<Stored<PatientRecord>> RecordInfusionAsync(Caller caller, string pseudonym, string productId, double doseMillionCellsPerKg,
        DateParts? infusedOn, string? bookingId, CancellationToken ct)
    {
        var current = await FindWritableAsync(caller, pseudonym, ct);
        var now = clock.GetUtcNow();
        var infusionId = Guid.CreateVersion7(now).ToString();
        var changed = current.Value.RecordInfusion(infusionId, productId, doseMillionCellsPerKg, infusedOn, bookingId, now);
        if (await store.FindAsync(Product.Collection, productId, ct) is null)
        {
            throw new RuleViolationException($"Product '{productId}' is not in the consortium's catalogue.");
        }
        var infusion = changed.Infusions.Single(i => i.InfusionId == infusionId);
        return await UpdateAsync(current, changed, new Events.InfusionRecorded
        {
            Pseudonym = changed.Pseudonym,
            InfusionId = infusion.InfusionId,
            ProductId = infusion.ProductId,
            InfusedOn = RegistryMapping.ToContract(infusion.InfusedOn),
            BookingId = infusion.BookingId ?? "",
        }, ct);
    }

    public async Task<Stored<PatientRecord>> RecordOutcomeAsync(Caller caller, string pseudonym, DateParts? occurredOn, OutcomeReport? report, CancellationToken ct)
    {
        var current = await FindWritableAsync(caller, pseudonym, ct);
        var now = clock.GetUtcNow();
        var outcomeId = Guid.CreateVersion7(now).ToString();
        var changed = current.Value.RecordOutcome(outcomeId, occurredOn, report, caller.Org!, now);
        var outcome = changed.Outcomes.Single(o => o.OutcomeId == outcomeId);
        return await UpdateAsync(current, changed, new Events.OutcomeRecorded
        {
            Pseudonym = changed.Pseudonym,
            OutcomeId = outcome.OutcomeId,
        }, ct);
    }

    /// <summary>
    /// The access log, oldest first: every entry for a consortium admin, or the entries of one
    /// patient for a clinician of its treating institution.
    /// </summary>
    public async Task<(IReadOnlyList<Stored<AccessLogEntry>> Entries, string NextPageToken)> ListAccessLogAsync(Caller caller, int pageSize, string? pageToken,
        string? pseudonym, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator);
        if (!string.IsNullOrEmpty(pseudonym))
        {
            CheckPseudonym(pseudonym, validator);
        }
        else
        {
            validator.Check(caller.IsConsortiumAdmin, "pseudonym", "is required: a clinician reads the log of one patient of their own institution");
        }
        validator.ThrowIfInvalid();
        if (!caller.IsConsortiumAdmin)
        {
            var record = await FindAsync(pseudonym!, ct);
            caller = await VerifiedAsync(caller, ct);
            caller.Demand(caller.HasRole(Roles.Clinician) && caller.IsOfOrg(record.Value.TreatingInstitutionId),
                "Clinicians read the access log of their own institution's patients only.");
        }
        var page = await store.QueryAsync(AccessLogEntry.Collection, query.WhereKey("pseudonym", pseudonym), ct);
        return (page.Items, Paging.NextToken(page));
    }

    /// <summary>The treating institution must be a treatment centre, and a foreign patient needs a cross-border care agreement in force.</summary>
    private async Task CheckCareIsPossibleAsync(PatientRecord record, CancellationToken ct)
    {
        var institution = await store.FindAsync(Institution.Collection, record.TreatingInstitutionId, ct);
        if (institution is null || institution.Value.Kind != InstitutionKind.TreatmentCentre)
        {
            throw new RuleViolationException($"'{record.TreatingInstitutionId}' is not a treatment centre in the registry; patients are enrolled where they are treated.");
        }
        await store.RequireMemberAsync(record.CountryCode, ct);
        var site = institution.Value.CountryCode;
        if (site != record.CountryCode && !await store.CrossBorderCareInForceAsync(site, record.CountryCode, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct))
        {
            throw new RuleViolationException(
                $"{record.CountryCode} and {site} have no cross-border care agreement in force; a patient of {record.CountryCode} cannot be treated at {record.TreatingInstitutionId}.");
        }
    }

    /// <summary>
    /// One page of the union of <paramref name="views"/>, in id order: each view is read from
    /// the same position, and the first <paramref name="limit"/> distinct ids of what came back
    /// are exactly the union's next page (keyset paging stays exact across views).
    /// </summary>
    private async Task<Page<PatientRecord>> QueryUnionAsync(List<DocumentQuery> views, int limit, CancellationToken ct)
    {
        var pages = new List<Page<PatientRecord>>();
        foreach (var view in views)
        {
            pages.Add(await store.QueryAsync(PatientRecord.Collection, view, ct));
        }
        var merged = pages.SelectMany(p => p.Items).DistinctBy(p => p.Id).OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
        var items = merged.Take(limit).ToList();
        var more = merged.Count > limit || pages.Any(p => p.NextAfterId is not null);
        return new Page<PatientRecord>(items, more && items.Count > 0 ? items[^1].Id : null);
    }

    /// <summary>
    /// The caller, its institution kept only when the registry places that institution in the
    /// caller's country. The federation binds a token's country to its issuer, not its org: a
    /// provider must not make its clients "the treating institution" of another country.
    /// </summary>
    private async Task<Caller> VerifiedAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Org is null)
        {
            return caller;
        }
        var institution = await store.FindAsync(Institution.Collection, caller.Org, ct);
        return institution is not null && caller.IsOfCountry(institution.Value.CountryCode) ? caller : caller with { Org = null };
    }

    private async Task<Stored<PatientRecord>> FindWritableAsync(Caller caller, string pseudonym, CancellationToken ct)
    {
        var validator = new Validator();
        CheckPseudonym(pseudonym, validator);
        validator.ThrowIfInvalid();
        var current = await FindAsync(pseudonym, ct);
        caller = await VerifiedAsync(caller, ct);
        Demand(caller, PatientVisibility.CanRecordClinicalData(caller, current.Value));
        return current;
    }

    private async Task<Stored<PatientRecord>> FindAsync(string pseudonym, CancellationToken ct) =>
        await store.FindAsync(PatientRecord.Collection, pseudonym, ct)
        ?? throw new NotFoundException($"No patient '{pseudonym}' is enrolled.");

    /// <summary>Saves the change against the version it was read at: a concurrent write makes this one ABORTED, never lost.</summary>
    private async Task<Stored<PatientRecord>> UpdateAsync(Stored<PatientRecord> current, PatientRecord changed, Google.Protobuf.IMessage integrationEvent, CancellationToken ct)
    {
        await store.CommitAsync(new ChangeSet().Update(PatientRecord.Collection, current, changed).Raise(integrationEvent, clock), ct);
        return current with { Version = current.Version + 1, Value = changed };
    }

    private async Task LogReadsAsync(Caller caller, string rpc, List<Stored<PatientRecord>> read, AccessLogEntry.Reason reason, CancellationToken ct)
    {
        if (read.Count == 0)
        {
            return;
        }
        var changes = new ChangeSet();
        foreach (var entry in AccessLogEntry.For(caller, rpc, read.Select(r => r.Id), reason, clock.GetUtcNow()))
        {
            changes.Insert(AccessLogEntry.Collection, entry.EntryId, entry);
        }
        await store.CommitAsync(changes, ct);
    }

    /// <summary>A read for research needs the patient's consent to research; care, follow-up, booking and quality review do not.</summary>
    private static bool AllowsPurpose(PatientRecord record, AccessLogEntry.Reason reason) =>
        reason.Purpose != AccessPurpose.Research || record.Consents.Research;

    private static void CheckPseudonym(string? pseudonym, Validator validator) =>
        validator.Check(Pseudonymiser.IsPseudonym(pseudonym), "pseudonym", "must be a pseudonym as EnrolPatient returned it, e.g. KZ-7F3K-9Q2M-4N5P-R8TV");

    private static void Demand(Caller caller, (bool Allowed, string Reason) decision) => caller.Demand(decision.Allowed, decision.Reason);
}
