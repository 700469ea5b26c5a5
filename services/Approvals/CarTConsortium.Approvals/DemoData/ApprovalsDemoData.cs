using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.Storage;
using CarTConsortium.Approvals.UseCases.Authorisations;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.DemoData;

/// <summary>
/// The decisions of the review paper (the consortium's domain digest), recorded and moved through
/// their lifecycle by the consortium's admin through the same use cases as anyone. Products,
/// countries and institutions come from the registry's events, so this waits for them.
/// </summary>
internal sealed class ApprovalsDemoData(IDocumentStore store, RecordAuthorisation record, ChangeAuthorisationStatus changeStatus, TimeProvider clock)
{
    private const string Ball = "r/r B-ALL";
    private static readonly string[] DemoProducts = ["tisagenlecleucel", "pcar-19b", "nexcar19", "ncb-cd19-academic"];
    private static readonly string[] DemoCountries = ["US", "EU", "JP", "CN", "IN", "KZ", "UZ", "KG"];
    private static readonly Caller Admin = new("demo-seed", "demo-seed", null, "consortium-secretariat", new HashSet<string> { Roles.ConsortiumAdmin });

    public async Task SeedAsync(TimeSpan waitForRegistry, CancellationToken ct)
    {
        if ((await store.QueryAsync(ApprovalsCollections.Authorisations, new DocumentQuery { Limit = 1 }, ct)).Items.Count > 0 || !await RegistryArrivedAsync(waitForRegistry, ct))
        {
            return;
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var children = new ScopeInput(Ball, 0, 25, []);

        var fda = await ApproveAsync("tisagenlecleucel", "US", Authority.Fda, Pathway.MarketingAuthorisation, children, null,
            submitted: new(2017, 3, 29), decided: new(2017, 8, 30), expires: null, "FDA approval for paediatric and young adult r/r B-ALL");
        var ema = await ApproveAsync("tisagenlecleucel", "EU", Authority.Ema, Pathway.MarketingAuthorisation, children, null,
            submitted: new(2017, 11, 7), decided: new(2018, 8, 22), expires: null, "EMA marketing authorisation");
        await ApproveAsync("tisagenlecleucel", "JP", Authority.Pmda, Pathway.MarketingAuthorisation, children, null,
            submitted: new(2018, 4, 23), decided: new(2019, 3, 26), expires: null, "PMDA approval");
        // Kazakhstan relies on the EMA decision; Uzbekistan's reliance on the FDA's is under review; Kyrgyzstan plans one.
        await ApproveAsync("tisagenlecleucel", "KZ", Authority.National, Pathway.Reliance, children, ema.Id,
            submitted: new(2025, 2, 3), decided: new(2025, 6, 16), expires: today.AddDays(400), "national decision relying on the EMA assessment");
        var uz = await RecordAsync("tisagenlecleucel", "UZ", Authority.National, Pathway.Reliance, children, fda.Id, "reliance dossier on the FDA approval");
        uz = await StepAsync(new(uz.Id, AuthorisationStatus.Submitted, uz.Version, "dossier filed", SubmittedOn: Day(new(2025, 9, 1))), ct);
        await StepAsync(new(uz.Id, AuthorisationStatus.UnderReview, uz.Version, "validated by the agency"), ct);
        await RecordAsync("tisagenlecleucel", "KG", Authority.National, Pathway.Reliance, children, ema.Id, "reliance on the EMA decision planned for 2027");

        // pCAR-19B: NMPA breakthrough designation, and the NDA accepted in 2024 and under review.
        await ApproveAsync("pcar-19b", "CN", Authority.Nmpa, Pathway.BreakthroughDesignation, new ScopeInput(Ball, 3, 21, []), null,
            submitted: new(2022, 9, 1), decided: new(2023, 1, 12), expires: null, "breakthrough therapy designation");
        var nda = await RecordAsync("pcar-19b", "CN", Authority.Nmpa, Pathway.MarketingAuthorisation, new ScopeInput(Ball, 3, 21, []), null, "new drug application");
        nda = await StepAsync(new(nda.Id, AuthorisationStatus.Submitted, nda.Version, "NDA filed", SubmittedOn: Day(new(2024, 5, 20))), ct);
        await StepAsync(new(nda.Id, AuthorisationStatus.UnderReview, nda.Version, "NDA accepted for review"), ct);

        // NexCAR19: CDSCO approval in late 2023, for adults with relapsed lymphoma.
        await ApproveAsync("nexcar19", "IN", Authority.Cdsco, Pathway.MarketingAuthorisation, new ScopeInput("r/r B-cell lymphoma", 18, 0, []), null,
            submitted: new(2023, 3, 1), decided: new(2023, 10, 13), expires: null, "CDSCO approval, adult lymphoma");

        // The Astana academic product: a clinical-trial authorisation (12 patients in 2025) and a hospital exemption due for renewal.
        await ApproveAsync("ncb-cd19-academic", "KZ", Authority.National, Pathway.ClinicalTrial, new ScopeInput(Ball, 1, 25, ["kz-astana-childrens"]), null,
            submitted: new(2024, 6, 3), decided: new(2024, 11, 15), expires: new(2027, 12, 31), "academic CD19 CAR-T trial at the Astana hub");
        await ApproveAsync("ncb-cd19-academic", "KZ", Authority.National, Pathway.HospitalExemption, new ScopeInput(Ball, 1, 25, ["kz-astana-childrens"]), null,
            submitted: new(2025, 3, 10), decided: new(2025, 7, 1), expires: today.AddDays(45), "hospital exemption for use at the National Scientific Center of Pediatrics");
    }

    /// <summary>Whether the registry's demo products, countries and institutions have been projected, waiting up to <paramref name="wait"/>.</summary>
    private Task<bool> RegistryArrivedAsync(TimeSpan wait, CancellationToken ct) =>
        BuildingBlocks.Eventing.ReadModels.ArrivedAsync(async attemptCt =>
        {
            var arrived = true;
            foreach (var product in DemoProducts)
            {
                arrived &= await store.FindAsync(ApprovalsCollections.KnownProducts, product, attemptCt) is not null;
            }
            foreach (var country in DemoCountries)
            {
                arrived &= await store.FindAsync(ApprovalsCollections.KnownCountries, country, attemptCt) is not null;
            }
            return arrived && await store.FindAsync(ApprovalsCollections.KnownInstitutions, "kz-astana-childrens", attemptCt) is not null;
        }, wait, ct);

    private Task<Stored<Authorisation>> RecordAsync(string product, string jurisdiction, Authority authority, Pathway pathway, ScopeInput scope, string? reference, string reason) =>
        record.ExecuteAsync(new RecordAuthorisationCommand(product, jurisdiction, authority, pathway, scope, reference, reason), Admin, CancellationToken.None);

    private Task<Stored<Authorisation>> StepAsync(ChangeAuthorisationStatusCommand command, CancellationToken ct) =>
        changeStatus.ExecuteAsync(command, Admin, ct);

    private async Task<Stored<Authorisation>> ApproveAsync(string product, string jurisdiction, Authority authority, Pathway pathway, ScopeInput scope, string? reference,
        DateOnly submitted, DateOnly decided, DateOnly? expires, string reason)
    {
        var a = await RecordAsync(product, jurisdiction, authority, pathway, scope, reference, reason);
        a = await StepAsync(new(a.Id, AuthorisationStatus.Submitted, a.Version, "submitted", SubmittedOn: Day(submitted)), CancellationToken.None);
        a = await StepAsync(new(a.Id, AuthorisationStatus.UnderReview, a.Version, "under review"), CancellationToken.None);
        return await StepAsync(new(a.Id, AuthorisationStatus.Approved, a.Version, reason, DecidedOn: Day(decided), ExpiresOn: expires is { } e ? Day(e) : null),
            CancellationToken.None);
    }

    private static DateParts Day(DateOnly day) => DateParts.Of(day);
}
