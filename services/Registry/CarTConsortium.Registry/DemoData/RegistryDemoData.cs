using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Domain.Products;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Members;
using CarTConsortium.Registry.UseCases.Products;

namespace CarTConsortium.Registry.DemoData;

/// <summary>
/// The standalone platform's demo registry: the member countries and institutions the
/// demo identity providers issue tokens for, the products of the review paper, and
/// synthetic patients. Each part is loaded only into an empty collection, so a restart
/// (or a real registry) is left alone.
/// </summary>
internal sealed class RegistryDemoData(IDocumentStore store, AdmitCountry admitCountry, SignAgreement signAgreement, RegisterInstitution registerInstitution,
    RegisterProduct registerProduct, DemoPatients patients)
{
    private static readonly Institution.AccreditationInput Jacie = new(AccreditationStatus.Accredited, "FACT-JACIE", new DateParts(2028, 6, 30));
    private static readonly Institution.AccreditationInput Provisional = new(AccreditationStatus.Provisional, "national accreditation board", new DateParts(2027, 6, 30));
    private static readonly Institution.AccreditationInput Gmp = new(AccreditationStatus.Accredited, "national GMP inspectorate", new DateParts(2027, 12, 31));
    private static readonly Institution.AccreditationInput NotAccredited = new(AccreditationStatus.None, null, null);

    public async Task SeedAsync(CancellationToken ct)
    {
        if (await IsEmptyAsync(RegistryCollections.Countries, ct))
        {
            await SeedMembersAsync(ct);
        }
        if (await IsEmptyAsync(RegistryCollections.Products, ct))
        {
            await SeedProductsAsync(ct);
        }
        // Demo patients are treated with demo products at demo institutions: only a demo registry gets them.
        if (await IsEmptyAsync(RegistryCollections.Patients, ct)
            && await store.FindAsync(RegistryCollections.Products, "ncb-cd19-academic", ct) is not null
            && await store.FindAsync(RegistryCollections.Institutions, "kz-astana-childrens", ct) is not null)
        {
            await patients.SeedAsync(ct);
        }
    }

    private async Task SeedMembersAsync(CancellationToken ct)
    {
        foreach (var (code, name) in new[] { ("KZ", "Kazakhstan"), ("UZ", "Uzbekistan"), ("KG", "Kyrgyzstan") })
        {
            await admitCountry.ExecuteAsync(new AdmitCountryCommand(code, name, Membership.Member), ct);
        }
        // The reference authorities' jurisdictions: FDA, EMA, PMDA, NMPA, CDSCO.
        foreach (var (code, name) in new[] { ("US", "United States"), ("EU", "European Union"), ("JP", "Japan"), ("CN", "China"), ("IN", "India") })
        {
            await admitCountry.ExecuteAsync(new AdmitCountryCommand(code, name, Membership.Reference), ct);
        }
        var since = new DateParts(2025, 1, 1);
        // Astana is the regional hub: both neighbours send patients and cells there.
        await signAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "KG"], CrossBorderCare: true, Shipment: true, ShipmentLeadDays: 2, since, null), ct);
        await signAgreement.ExecuteAsync(new SignAgreementCommand(["KZ", "UZ"], CrossBorderCare: true, Shipment: true, ShipmentLeadDays: 3, since, null), ct);
        await signAgreement.ExecuteAsync(new SignAgreementCommand(["KG", "UZ"], CrossBorderCare: false, Shipment: true, ShipmentLeadDays: 4, since, null), ct);

        await Centre("kz-astana-childrens", "National Scientific Center of Pediatrics, Astana (CAR-T hub)", "KZ", Jacie, icuBeds: 12);
        await Centre("kz-almaty-oncology", "Oncology and Haematology Centre, Almaty", "KZ", Provisional, icuBeds: 8);
        await Site("kz-ncb-astana", "National Center for Biotechnology, Astana", "KZ", lines: 2);
        await Centre("uz-ncmc-tashkent", "National Children's Medical Center, Tashkent", "UZ", Jacie, icuBeds: 10);
        await Centre("uz-samarkand-childrens", "Regional Children's Hospital, Samarkand", "UZ", Provisional, icuBeds: 4);
        await Site("uz-tashkent-cell-lab", "Cell Therapy Laboratory, Tashkent", "UZ", lines: 1);
        await Centre("kg-bishkek-childrens", "National Center of Maternity and Childhood Care, Bishkek", "KG", Provisional, icuBeds: 6);
        await Centre("kg-osh-oncology", "Oncology Centre, Osh", "KG", Provisional, icuBeds: 3);
        await Site("kg-bishkek-cell-lab", "Cell Processing Laboratory, Bishkek", "KG", lines: 1);
        // Spokes: a regional hospital in Kazakhstan, and one in Kyrgyzstan referring across the border to Astana.
        await registerInstitution.ExecuteAsync(new RegisterInstitutionCommand("kz-karaganda-regional", "Regional Children's Hospital, Karaganda", "KZ",
            InstitutionKind.ReferralHospital, NotAccredited, new Capabilities(0, 2, false), "kz-astana-childrens"), ct);
        await registerInstitution.ExecuteAsync(new RegisterInstitutionCommand("kg-jalal-abad-regional", "Regional Hospital, Jalal-Abad", "KG",
            InstitutionKind.ReferralHospital, NotAccredited, new Capabilities(0, 1, false), "kz-astana-childrens"), ct);

        Task Centre(string id, string name, string country, Institution.AccreditationInput accreditation, int icuBeds) =>
            registerInstitution.ExecuteAsync(new RegisterInstitutionCommand(id, name, country, InstitutionKind.TreatmentCentre, accreditation,
                new Capabilities(0, icuBeds, true), null), ct);

        Task Site(string id, string name, string country, int lines) =>
            registerInstitution.ExecuteAsync(new RegisterInstitutionCommand(id, name, country, InstitutionKind.ManufacturingSite, Gmp,
                new Capabilities(lines, 0, false), null), ct);
    }

    private async Task SeedProductsAsync(CancellationToken ct)
    {
        await registerProduct.ExecuteAsync(new RegisterProductCommand("tisagenlecleucel", "Kymriah (tisagenlecleucel)", "CD19", CellSource.Autologous, "Novartis"), ct);
        await registerProduct.ExecuteAsync(new RegisterProductCommand("pcar-19b", "pCAR-19B (Pukilin)", "CD19", CellSource.Autologous, "Chongqing developer (China)"), ct);
        await registerProduct.ExecuteAsync(new RegisterProductCommand("nexcar19", "NexCAR19", "CD19", CellSource.Autologous, "ImmunoACT / IIT Bombay"), ct);
        await registerProduct.ExecuteAsync(new RegisterProductCommand("ncb-cd19-academic", "Academic CD19 CAR-T (CliniMACS Prodigy)", "CD19", CellSource.Autologous,
            "National Center for Biotechnology, Astana"), ct);
    }

    private async Task<bool> IsEmptyAsync<T>(Collection<T> collection, CancellationToken ct) where T : class =>
        (await store.QueryAsync(collection, new DocumentQuery { Limit = 1 }, ct)).Items.Count == 0;
}
