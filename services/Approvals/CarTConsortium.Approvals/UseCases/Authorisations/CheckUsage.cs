using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.UseCases.Authorisations;

/// <summary>May the product be used for this patient, here, on this day?</summary>
/// <param name="CountryCode">ISO 3166-1 alpha-2 in upper case.</param>
public sealed record CheckUsageCommand(string? ProductId, string? CountryCode, int AgeYears, string? Indication, string? InstitutionId, DateParts? Date);

/// <summary>The usage question's answer: each candidate with the reasons it does not allow the use (none for one that does).</summary>
public sealed record UsageView(UsageQuestion Question, IReadOnlyList<UsageView.Verdict> Verdicts)
{
    public sealed record Verdict(Stored<Authorisation> Candidate, IReadOnlyList<string> Reasons)
    {
        public bool Allows => Reasons.Count == 0;
    }

    public Verdict? AllowedBy => Verdicts.FirstOrDefault(v => v.Allows);
}

/// <summary>
/// Answers the usage question with the shared <see cref="UsageRules"/> (slots checks bookings
/// with the same rules): every authorisation of the product in the country says why or why not.
/// </summary>
public sealed class CheckUsage(IDocumentStore store)
{
    /// <exception cref="InvalidArgumentException">Every bad field; a product, country or institution the registry has not announced.</exception>
    public async Task<UsageView> ExecuteAsync(CheckUsageCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var question = UsageRules.Check(command.ProductId, command.CountryCode, command.AgeYears, command.Indication, command.InstitutionId, command.Date);
        new Validator()
            .Check(await store.FindAsync(ApprovalsCollections.KnownProducts, question.ProductId, ct) is not null, "product_id", AuthorisationReads.UnknownProduct)
            .Check(await store.FindAsync(ApprovalsCollections.KnownCountries, question.CountryCode, ct) is not null, "country_code", AuthorisationReads.UnknownCountry)
            .Check(await store.FindAsync(ApprovalsCollections.KnownInstitutions, question.InstitutionId, ct) is not null, "institution_id",
                "is not an institution the registry knows")
            .ThrowIfInvalid();
        var candidates = await store.AuthorisationsOfAsync(question.ProductId, question.CountryCode, ct);
        // The rules look references up synchronously: every one the candidates name, loaded first.
        var references = new Dictionary<string, AuthorisationTerms>(StringComparer.Ordinal);
        foreach (var referenceId in candidates.Select(c => c.Value.ReferenceAuthorisationId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (await store.FindAsync(ApprovalsCollections.Authorisations, referenceId, ct) is { } reference)
            {
                references[referenceId] = reference.Value.Terms;
            }
        }
        var byId = candidates.ToDictionary(c => c.Value.AuthorisationId, StringComparer.Ordinal);
        var verdicts = UsageRules.Verdicts(candidates.Select(c => c.Value.Terms), question, id => references.GetValueOrDefault(id))
            .Select(v => new UsageView.Verdict(byId[v.Candidate.AuthorisationId], v.Reasons));
        return new UsageView(question, [.. verdicts]);
    }
}
