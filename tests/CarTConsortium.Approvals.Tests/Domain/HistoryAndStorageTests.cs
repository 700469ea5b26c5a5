using System.Reflection;
using System.Text.Json;
using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf.Reflection;
using Xunit;
using static CarTConsortium.Approvals.Authorisations.AuthorisationStatus;
using Contract = CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Approvals.Tests.Domain;

/// <summary>What the history records of a change (<see cref="Authorisation.Diff"/>), the reason, and the stored document.</summary>
public sealed class HistoryAndStorageTests
{
    private static readonly DateOnly Today = Given.Today;

    [Fact]
    public void A_decision_shows_the_status_and_the_dates_it_set()
    {
        var underReview = Given.UnderReview();

        var approved = underReview.ChangeStatus(Approved, null, DateParts.Of(Given.Decided), DateParts.Of(Given.Effective), DateParts.Of(Given.Expires), Today);

        Assert.Equal(
        [
            new FieldChange("status", "AUTHORISATION_STATUS_UNDER_REVIEW", "AUTHORISATION_STATUS_APPROVED"),
            new FieldChange("decided_on", "", "2025-12-01"),
            new FieldChange("effective_on", "", "2025-12-15"),
            new FieldChange("expires_on", "", "2027-12-14"),
        ], Authorisation.Diff(underReview, approved));
    }

    [Fact]
    public void A_suspension_and_its_reinstatement_show_what_it_was_suspended_from()
    {
        var approved = Given.ConditionallyApproved();
        var suspended = approved.ChangeStatus(Suspended, null, null, null, null, Today);

        Assert.Equal(
        [
            new FieldChange("status", "AUTHORISATION_STATUS_CONDITIONALLY_APPROVED", "AUTHORISATION_STATUS_SUSPENDED"),
            new FieldChange("suspended_from", "", "AUTHORISATION_STATUS_CONDITIONALLY_APPROVED"),
        ], Authorisation.Diff(approved, suspended));
        Assert.Equal(
        [
            new FieldChange("status", "AUTHORISATION_STATUS_SUSPENDED", "AUTHORISATION_STATUS_CONDITIONALLY_APPROVED"),
            new FieldChange("suspended_from", "AUTHORISATION_STATUS_CONDITIONALLY_APPROVED", ""),
        ], Authorisation.Diff(suspended, suspended.ChangeStatus(ConditionallyApproved, null, null, null, null, Today)));
    }

    [Fact]
    public void An_amendment_shows_each_scope_field_and_the_expiry_it_changed()
    {
        var exemption = Given.Approved(Pathway.HospitalExemption);

        var amended = exemption.Amend(new ScopeInput("r/r B-ALL (CD19+)", 3, 0, ["kz-ncb-astana", "kz-karaganda-regional", "kz-astana-childrens"]), null, Today);

        Assert.Equal(
        [
            new FieldChange("scope.indication", "r/r B-ALL", "r/r B-ALL (CD19+)"),
            new FieldChange("scope.max_age_years", "25", ""),
            new FieldChange("scope.institution_ids", "kz-astana-childrens,kz-ncb-astana", "kz-astana-childrens,kz-karaganda-regional,kz-ncb-astana"),
            new FieldChange("expires_on", "2027-12-14", ""),
        ], Authorisation.Diff(exemption, amended));
    }

    [Fact]
    public void Equal_authorisations_differ_in_nothing_and_two_others_in_every_field_in_contract_order()
    {
        var approved = Given.Approved();
        var other = Authorisation.Record("nexcar19", "IN", Authority.Cdsco, Pathway.Reliance, new ScopeInput("DLBCL", 18, 0, []), "nexcar19.IN.MarketingAuthorisation",
            Given.Now.AddDays(1)) with
        { Status = Suspended, SuspendedFrom = Approved, SubmittedOn = Today, DecidedOn = Today, EffectiveOn = Today, ExpiresOn = Today };

        Assert.Empty(Authorisation.Diff(approved, Given.Approved()));
        Assert.Empty(Authorisation.Diff(approved, approved with { Scope = approved.Scope with { InstitutionIds = [.. approved.Scope.InstitutionIds] } }));
        Assert.Equal(
        [
            "authorisation_id", "product_id", "jurisdiction", "authority", "pathway", "status", "recorded_at",
            "scope.indication", "scope.min_age_years", "scope.max_age_years", "reference_authorisation_id",
            "submitted_on", "decided_on", "effective_on", "expires_on", "suspended_from",
        ], Authorisation.Diff(approved, other).Select(c => c.Field));
        Assert.Equal(new FieldChange("authority", "AUTHORITY_NATIONAL", "AUTHORITY_CDSCO"), Authorisation.Diff(approved, other)[3]);
        Assert.Equal(new FieldChange("recorded_at", "2026-03-10T09:30:00.0000000+00:00", "2026-03-11T09:30:00.0000000+00:00"), Authorisation.Diff(approved, other)[6]);
    }

    [Fact]
    public void Every_enum_value_is_the_contracts_by_number_and_is_named_as_the_contract_names_it()
    {
        var planned = Given.Planned();
        foreach (var status in Enum.GetValues<AuthorisationStatus>())
        {
            Assert.Equal(ContractName<Contract.AuthorisationStatus>((int)status, status.ToString()),
                Authorisation.Diff(planned with { Status = (AuthorisationStatus)99 }, planned with { Status = status }).Single().After);
            Assert.Equal(ContractName<Contract.AuthorisationStatus>((int)status, status.ToString())["AUTHORISATION_STATUS_".Length..], Authorisation.Name(status));
        }
        foreach (var pathway in Enum.GetValues<Pathway>())
        {
            Assert.Equal(ContractName<Contract.Pathway>((int)pathway, pathway.ToString()),
                Authorisation.Diff(planned with { Pathway = (Pathway)99 }, planned with { Pathway = pathway }).Single().After);
        }
        foreach (var authority in Enum.GetValues<Authority>())
        {
            Assert.Equal(ContractName<Contract.Authority>((int)authority, authority.ToString()),
                Authorisation.Diff(planned with { Authority = (Authority)99 }, planned with { Authority = authority }).Single().After);
        }
    }

    [Theory]
    [InlineData(null, false, "")]
    [InlineData("  ", false, "")]
    [InlineData("  renewed for two years ", true, "renewed for two years")]
    public void A_reason_is_kept_trimmed(string? reason, bool required, string kept)
    {
        var validator = new Validator();

        Assert.Equal(kept, Authorisation.CheckReason(reason, required, validator));
        Assert.True(validator.IsValid);
    }

    [Theory]
    [InlineData(null, true, "is required")]
    [InlineData(" \n ", true, "is required")]
    [InlineData("501", false, "must be at most 500 characters")]
    [InlineData("501", true, "must be at most 500 characters")]
    public void A_reason_is_required_when_asked_and_at_most_500_characters(string? reason, bool required, string description)
    {
        var validator = new Validator();
        var text = reason == "501" ? new string('r', 501) : reason;

        Authorisation.CheckReason(text, required, validator);

        Assert.Equal(new FieldViolation("reason", description), Given.Violation(validator.ThrowIfInvalid));
        Assert.Equal(new string('r', 500), Authorisation.CheckReason($" {new string('r', 500)} ", true, new Validator()));
    }

    public static TheoryData<string> EveryFixture => new(Given.Each.Keys);

    [Theory]
    [MemberData(nameof(EveryFixture))]
    public void A_document_round_trips_through_the_storage_json(string status)
    {
        var authorisation = Given.Each[status]();

        var json = JsonSerializer.Serialize(authorisation, DocumentJson.Options);

        Assert.Equal(authorisation, JsonSerializer.Deserialize<Authorisation>(json, DocumentJson.Options));
        Assert.Contains($"\"status\":\"{authorisation.Status}\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("allowsUseInPrinciple", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_full_document_keeps_every_field_with_enums_by_name_and_days_as_dates()
    {
        var full = Given.Suspended(ConditionallyApproved) with
        {
            Pathway = Pathway.Reliance,
            ReferenceAuthorisationId = "tisagenlecleucel.US.MarketingAuthorisation",
            Scope = new Scope("r/r B-ALL", 0, null, ["kz-a", "kz-b"]),
        };

        var json = JsonSerializer.Serialize(full, DocumentJson.Options);
        var read = JsonSerializer.Deserialize<Authorisation>(json, DocumentJson.Options)!;

        Assert.Equal(full, read);
        Assert.Equal(full.Scope.InstitutionIds, read.Scope.InstitutionIds);
        Assert.Contains("\"suspendedFrom\":\"ConditionallyApproved\"", json, StringComparison.Ordinal);
        Assert.Contains("\"pathway\":\"Reliance\"", json, StringComparison.Ordinal);
        Assert.Contains("\"expiresOn\":\"2027-12-14\"", json, StringComparison.Ordinal);
        Assert.Contains("\"maxAgeYears\":null", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_stored_keys_filter_by_product_jurisdiction_pathway_and_status_name()
    {
        using var harness = new ApprovalsHarness();
        var approved = Given.Approved();
        var suspended = Given.Suspended(Approved) with { AuthorisationId = "tisagenlecleucel.UZ.MarketingAuthorisation", Jurisdiction = "UZ" };
        var trial = Given.UnderReview(Pathway.ClinicalTrial);
        var changes = new ChangeSet();
        foreach (var authorisation in new[] { approved, suspended, trial })
        {
            changes.Insert(ApprovalsCollections.Authorisations, authorisation.AuthorisationId, authorisation);
        }
        await harness.Store.CommitAsync(changes);

        async Task<string[]> Ids(string key, string value) =>
            [.. (await harness.Store.QueryAsync(ApprovalsCollections.Authorisations, DocumentQuery.All.WhereKey(key, value))).Items.Select(s => s.Id)];

        Assert.Equal([approved.AuthorisationId], await Ids("status", "Approved"));
        Assert.Equal([suspended.AuthorisationId], await Ids("status", "Suspended"));
        Assert.Equal([trial.AuthorisationId], await Ids("status", "UnderReview"));
        Assert.Equal([trial.AuthorisationId], await Ids("pathway", "ClinicalTrial"));
        Assert.Equal([trial.AuthorisationId, approved.AuthorisationId], await Ids("jurisdiction", "KZ"));
        Assert.Equal(3, (await Ids("product_id", Given.ProductId)).Length);
        Assert.Equal(suspended, (await harness.Store.FindAsync(ApprovalsCollections.Authorisations, suspended.AuthorisationId))!.Value);
    }

    /// <summary>The contract's name of its enum member <paramref name="number"/>, which must carry the domain's C# name too.</summary>
    private static string ContractName<TContract>(int number, string domainName) where TContract : struct, Enum
    {
        Assert.True(Enum.IsDefined(typeof(TContract), number), $"{typeof(TContract).Name} has no {number}");
        var member = Enum.GetName(typeof(TContract), number)!;
        Assert.Equal(domainName, member);
        return typeof(TContract).GetField(member)!.GetCustomAttribute<OriginalNameAttribute>()!.Name;
    }
}
