using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry.Members;

/// <summary>
/// The use cases of the consortium's membership: countries, the agreements between them,
/// and their institutions. Every change raises an event carrying the whole entity, which
/// other services project instead of keeping hand-typed copies (slots: institutions and agreements).
/// </summary>
public sealed class MemberDirectory(IDocumentStore store, TimeProvider clock)
{
    public async Task<Stored<Country>> AdmitCountryAsync(string countryCode, string name, Membership? membership, CancellationToken ct)
    {
        var country = Country.Admit(countryCode, name, membership, clock.GetUtcNow());
        var stored = Stored.Inserted(country.CountryCode, country);
        await store.CommitAsync(new ChangeSet()
            .Insert(Country.Collection, country.CountryCode, country)
            .Raise(new CountryAdmitted { Country = RegistryMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    public async Task<(IReadOnlyList<Stored<Country>> Countries, string NextPageToken)> ListCountriesAsync(int pageSize, string? pageToken, Membership? membership, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator).WhereKey("membership", membership?.ToString());
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(Country.Collection, query, ct);
        return (page.Items, Paging.NextToken(page));
    }

    /// <summary>
    /// Records the terms two member countries signed. A pair has one agreement: while it is
    /// in force (or will be) a second one is ALREADY_EXISTS; once it has ended, signing
    /// again replaces its terms.
    /// </summary>
    public async Task<Stored<Agreement>> SignAgreementAsync(IReadOnlyList<string> countryCodes, bool crossBorderCare, bool shipment, int shipmentLeadDays,
        DateParts? effectiveFrom, DateParts? endsOn, CancellationToken ct)
    {
        var agreement = Agreement.Sign(countryCodes, crossBorderCare, shipment, shipmentLeadDays, effectiveFrom, endsOn, clock.GetUtcNow());
        foreach (var code in agreement.CountryCodes)
        {
            await store.RequireMemberAsync(code, ct);
        }
        var changes = new ChangeSet();
        Stored<Agreement> stored;
        if (await store.FindAsync(Agreement.Collection, agreement.AgreementId, ct) is { } current)
        {
            if (current.Value.EndsOn is not { } ended || ended >= agreement.EffectiveFrom)
            {
                throw new AlreadyExistsException(
                    $"Agreement {current.Id} is in force until {(current.Value.EndsOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "further notice")}; end it before signing new terms.");
            }
            changes.Update(Agreement.Collection, current, agreement);
            stored = current with { Version = current.Version + 1, Value = agreement };
        }
        else
        {
            changes.Insert(Agreement.Collection, agreement.AgreementId, agreement);
            stored = Stored.Inserted(agreement.AgreementId, agreement);
        }
        await store.CommitAsync(changes.Raise(new AgreementChanged { Agreement = RegistryMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    public async Task<Stored<Agreement>> EndAgreementAsync(string agreementId, DateParts? endsOn, long expectedRevision, CancellationToken ct)
    {
        var validator = new Validator()
            .Check(agreementId is { Length: 5 } && agreementId[2] == '-', "agreement_id", "must be an agreement id such as KG-KZ");
        validator.CheckExpectedRevision(expectedRevision);
        validator.ThrowIfInvalid();
        var current = await store.FindAsync(Agreement.Collection, agreementId, ct)
            ?? throw new NotFoundException($"No agreement '{agreementId}' exists.");
        ExpectedRevision.Require(Agreement.Collection, current, expectedRevision);
        var ended = current.Value.End(endsOn, Today);
        var stored = current with { Version = current.Version + 1, Value = ended };
        await store.CommitAsync(new ChangeSet()
            .Update(Agreement.Collection, current, ended)
            .Raise(new AgreementChanged { Agreement = RegistryMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    /// <param name="countryCode">Only agreements this country is party to; null or empty for all.</param>
    public async Task<(IReadOnlyList<Stored<Agreement>> Agreements, string NextPageToken)> ListAgreementsAsync(int pageSize, string? pageToken, string? countryCode, CancellationToken ct)
    {
        var validator = new Validator();
        var query = Paging.Query(pageSize, pageToken, validator);
        if (!string.IsNullOrEmpty(countryCode))
        {
            validator.CountryCode(countryCode, "country_code");
        }
        validator.ThrowIfInvalid();
        if (string.IsNullOrEmpty(countryCode))
        {
            var all = await store.QueryAsync(Agreement.Collection, query, ct);
            return (all.Items, Paging.NextToken(all));
        }
        // A country is either side of a pair: merge the two key queries in id order, which keeps keyset paging exact.
        var first = await store.QueryAsync(Agreement.Collection, query.WhereKey("first_country", countryCode), ct);
        var second = await store.QueryAsync(Agreement.Collection, query.WhereKey("second_country", countryCode), ct);
        var merged = first.Items.Concat(second.Items).OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
        var more = first.NextAfterId is not null || second.NextAfterId is not null || merged.Count > query.Limit;
        var items = merged.Take(query.Limit).ToList();
        return (items, Paging.NextToken(new Page<Agreement>(items, more && items.Count > 0 ? items[^1].Id : null)));
    }

    public async Task<Stored<Institution>> RegisterInstitutionAsync(string institutionId, string name, string countryCode, InstitutionKind? kind,
        Institution.AccreditationInput? accreditation, Capabilities? capabilities, string? hubInstitutionId, CancellationToken ct)
    {
        var institution = Institution.Register(institutionId, name, countryCode, kind, accreditation, capabilities, hubInstitutionId, clock.GetUtcNow());
        await store.RequireMemberAsync(institution.CountryCode, ct);
        await CheckHubAsync(institution, ct);
        var stored = Stored.Inserted(institution.InstitutionId, institution);
        await store.CommitAsync(new ChangeSet()
            .Insert(Institution.Collection, institution.InstitutionId, institution)
            .Raise(new InstitutionChanged { Institution = RegistryMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    public async Task<Stored<Institution>> UpdateInstitutionAsync(string institutionId, string name, Institution.AccreditationInput? accreditation,
        Capabilities? capabilities, string? hubInstitutionId, long expectedRevision, CancellationToken ct)
    {
        var validator = new Validator().Slug(institutionId, "institution_id");
        validator.CheckExpectedRevision(expectedRevision);
        validator.ThrowIfInvalid();
        var current = await GetInstitutionAsync(institutionId, ct);
        ExpectedRevision.Require(Institution.Collection, current, expectedRevision);
        var updated = current.Value.Update(name, accreditation, capabilities, hubInstitutionId);
        await CheckHubAsync(updated, ct);
        var stored = current with { Version = current.Version + 1, Value = updated };
        await store.CommitAsync(new ChangeSet()
            .Update(Institution.Collection, current, updated)
            .Raise(new InstitutionChanged { Institution = RegistryMapping.ToContract(stored) }, clock), ct);
        return stored;
    }

    public async Task<Stored<Institution>> GetInstitutionAsync(string institutionId, CancellationToken ct)
    {
        new Validator().Slug(institutionId, "institution_id").ThrowIfInvalid();
        return await store.FindAsync(Institution.Collection, institutionId, ct)
            ?? throw new NotFoundException($"No institution '{institutionId}' is registered.");
    }

    public async Task<(IReadOnlyList<Stored<Institution>> Institutions, string NextPageToken)> ListInstitutionsAsync(int pageSize, string? pageToken,
        string? countryCode, InstitutionKind? kind, CancellationToken ct)
    {
        var validator = new Validator();
        if (!string.IsNullOrEmpty(countryCode))
        {
            validator.CountryCode(countryCode, "country_code");
        }
        var query = Paging.Query(pageSize, pageToken, validator)
            .WhereKey("country", countryCode)
            .WhereKey("kind", kind?.ToString());
        validator.ThrowIfInvalid();
        var page = await store.QueryAsync(Institution.Collection, query, ct);
        return (page.Items, Paging.NextToken(page));
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Hub and spoke, two levels: a spoke refers to a treatment centre that is itself a hub,
    /// across a border only where the two countries agreed on cross-border care.
    /// </summary>
    private async Task CheckHubAsync(Institution institution, CancellationToken ct)
    {
        if (institution.HubInstitutionId is not { } hubId)
        {
            return;
        }
        var spokes = await store.QueryAsync(Institution.Collection, new DocumentQuery { Limit = 1 }.WhereKey("hub", institution.InstitutionId), ct);
        if (spokes.Items.Count > 0)
        {
            throw new RuleViolationException($"{institution.InstitutionId} is the hub of {spokes.Items[0].Id}; a hub refers to no other hub.");
        }
        var hub = await store.FindAsync(Institution.Collection, hubId, ct)
            ?? throw new RuleViolationException($"No institution '{hubId}' is registered to be a hub.");
        if (hub.Value.Kind != InstitutionKind.TreatmentCentre || hub.Value.HubInstitutionId is not null)
        {
            throw new RuleViolationException($"{hubId} is not a hub: a hub is a treatment centre that refers to no other hub.");
        }
        if (hub.Value.CountryCode != institution.CountryCode)
        {
            if (!await store.CrossBorderCareInForceAsync(hub.Value.CountryCode, institution.CountryCode, Today, ct))
            {
                throw new RuleViolationException(
                    $"{institution.CountryCode} and {hub.Value.CountryCode} have no cross-border care agreement in force; a spoke refers across the border only under one.");
            }
        }
    }
}
