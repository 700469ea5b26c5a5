using System.Text.Json;
using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Events;
using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf;
using Xunit;
using Contract = CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Approvals.Tests.Domain;

/// <summary>
/// The shared rules as a subscriber of AuthorisationChanged uses them: the terms it reads
/// from the event are the ones approvals checks, and the verdicts are CheckUsage's.
/// </summary>
public sealed class UsageRulesContractTests
{
    private static readonly UsageQuestion Fits = new(Given.ProductId, "KZ", 10, "r/r B-ALL", "kz-ncb-astana", Given.Today);

    public static TheoryData<Pathway> Pathways => new(Enum.GetValues<Pathway>());

    public static TheoryData<string> Statuses => new(Given.Each.Keys);

    [Theory]
    [MemberData(nameof(Pathways))]
    public void Every_pathway_reads_back_from_the_published_event_as_the_terms_approvals_checks(Pathway pathway)
    {
        var approved = Given.Approved(pathway);

        Assert.Equal(approved.Terms, AuthorisationContract.FromContract(Published(approved)));
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Every_status_reads_back_from_the_published_event_as_the_terms_approvals_checks(string status)
    {
        var authorisation = Given.Each[status]();

        Assert.Equal(authorisation.Terms, AuthorisationContract.FromContract(Published(authorisation)));
    }

    [Fact]
    public void No_upper_age_no_dates_and_no_reference_read_back_as_none()
    {
        var planned = Given.Planned();
        var open = planned with { Scope = planned.Scope with { MaxAgeYears = null } };

        var terms = AuthorisationContract.FromContract(Published(open));

        Assert.Equal(open.Terms, terms);
        Assert.Null(terms.Scope.MaxAgeYears);
        Assert.Null(terms.EffectiveOn);
        Assert.Null(terms.ExpiresOn);
        Assert.Null(terms.ReferenceAuthorisationId);
    }

    [Fact]
    public void An_all_zero_date_is_none()
    {
        var contract = Published(Given.Approved());
        contract.EffectiveOn = new Google.Type.Date();
        contract.ExpiresOn = new Google.Type.Date();

        var terms = AuthorisationContract.FromContract(contract);

        Assert.Null(terms.EffectiveOn);
        Assert.Null(terms.ExpiresOn);
    }

    [Theory]
    [InlineData(0, 4, "pathway 0 is not a Pathway")]
    [InlineData(99, 4, "pathway 99 is not a Pathway")]
    [InlineData(1, 0, "status 0 is not a AuthorisationStatus")]
    [InlineData(1, 42, "status 42 is not a AuthorisationStatus")]
    public void A_pathway_or_status_these_rules_do_not_know_is_refused(int pathway, int status, string message)
    {
        var contract = Published(Given.Approved());
        contract.Pathway = (Contract.Pathway)pathway;
        contract.Status = (Contract.AuthorisationStatus)status;

        Assert.Contains(message, Assert.Throws<FormatException>(() => AuthorisationContract.FromContract(contract)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2026, 2, 30, "expires_on 2026-02-30 is not a calendar day")]
    [InlineData(2026, 3, 0, "expires_on 2026-03-00 is not a calendar day")]
    [InlineData(0, 3, 10, "expires_on 0000-03-10 is not a calendar day")]
    public void A_date_that_is_no_whole_calendar_day_is_refused(int year, int month, int day, string message)
    {
        var contract = Published(Given.Approved());
        contract.ExpiresOn = new Google.Type.Date { Year = year, Month = month, Day = day };

        Assert.Contains(message, Assert.Throws<FormatException>(() => AuthorisationContract.FromContract(contract)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_without_a_scope_is_refused()
    {
        var contract = Published(Given.Approved());
        contract.Scope = null;

        Assert.Throws<FormatException>(() => AuthorisationContract.FromContract(contract));
    }

    [Theory]
    [MemberData(nameof(Pathways))]
    public void Terms_survive_storage_as_a_document(Pathway pathway)
    {
        var terms = Given.Approved(pathway).Terms;

        var json = JsonSerializer.Serialize(terms, DocumentJson.Options);

        Assert.Equal(terms, JsonSerializer.Deserialize<AuthorisationTerms>(json, DocumentJson.Options));
    }

    [Fact]
    public void Verdicts_list_every_candidate_in_pathway_order_with_its_own_reasons()
    {
        var candidates = new[] { Given.Approved(Pathway.ClinicalTrial), Given.Approved(Pathway.BreakthroughDesignation), Given.UnderReview(), Given.Approved(Pathway.HospitalExemption) }
            .Select(a => a.Terms).ToList();
        var outside = Fits with { InstitutionId = "kz-karaganda-regional" };

        var verdicts = UsageRules.Verdicts(candidates, outside, _ => null);

        Assert.Equal([Pathway.MarketingAuthorisation, Pathway.BreakthroughDesignation, Pathway.HospitalExemption, Pathway.ClinicalTrial],
            verdicts.Select(v => v.Candidate.Pathway));
        Assert.All(verdicts, v => Assert.Equal(UsageRules.ReasonsAgainst(v.Candidate, outside, null), v.Reasons));
        Assert.DoesNotContain(verdicts, v => v.Reasons.Count == 0);
        Assert.Contains(UsageRules.Verdicts(candidates, Fits, _ => null), v => v.Reasons.Count == 0);
    }

    [Fact]
    public void Verdicts_look_up_a_reliance_reference_by_the_id_it_names_and_nothing_else()
    {
        var reliance = Given.Approved(Pathway.Reliance).Terms;
        var reference = Given.Approved().Terms with
        {
            AuthorisationId = reliance.ReferenceAuthorisationId!,
            Jurisdiction = "US",
            EffectiveOn = new DateOnly(2017, 8, 30),
            ExpiresOn = null,
        };
        var asked = new List<string>();
        AuthorisationTerms? Tracked(string id)
        {
            asked.Add(id);
            return id == reference.AuthorisationId ? reference : null;
        }

        var relied = Assert.Single(UsageRules.Verdicts([reliance, Given.Approved(Pathway.Conditional).Terms], Fits, Tracked), v => v.Candidate == reliance);
        var untracked = Assert.Single(UsageRules.Verdicts([reliance], Fits, _ => null));

        Assert.Equal([reference.AuthorisationId], asked);
        Assert.Empty(relied.Reasons);
        Assert.Equal([$"It relies on {reference.AuthorisationId}, which is not tracked here."], untracked.Reasons);
        Assert.Equal([$"It relies on {reference.AuthorisationId}, which is suspended."],
            UsageRules.Verdicts([reliance], Fits, _ => reference with { Status = AuthorisationStatus.Suspended }).Single().Reasons);
    }

    /// <summary>As a subscriber receives it: approvals' own mapping, carried by AuthorisationChanged as JSON.</summary>
    private static Contract.Authorisation Published(Authorisation authorisation)
    {
        var raised = AuthorisationEvents.Changed(Stored.Inserted(authorisation.AuthorisationId, authorisation));
        return Contract.AuthorisationChanged.Parser.ParseJson(JsonFormatter.Default.Format(raised)).Authorisation;
    }
}
