using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Procurement.Domain.Items;
using CarTConsortium.Procurement.Domain.Pools;
using CarTConsortium.Procurement.Storage;
using CarTConsortium.Procurement.UseCases.Items;
using CarTConsortium.Procurement.UseCases.Pools;

namespace CarTConsortium.Procurement.DemoData;

/// <summary>
/// The standalone platform's demo procurement, entered through the same use cases as anyone's:
/// a catalogue of the items the review paper behind the platform names, an open pool
/// of vector lots with Kazakhstan's, Uzbekistan's and Kyrgyzstan's commitments, and a settled
/// pool of tocilizumab with its orders and savings. Suppliers, prices and tiers are made up to
/// look plausible; they are no real quotes. Only an empty database gets it, once the registry's
/// demo institutions (where units are delivered) have arrived here by event.
/// </summary>
internal sealed class ProcurementDemoData(IDocumentStore store, RegisterItem registerItem, OpenPool openPool, CommitToPool commitToPool, ClosePool closePool,
    TimeProvider clock)
{
    private const string Usd = "USD";
    private static readonly Caller Admin = new("demo-seed", "demo-seed", null, "consortium-secretariat", new HashSet<string> { Roles.ConsortiumAdmin });
    private static readonly (string Country, string Delivery)[] Countries =
        [("KZ", "kz-ncb-astana"), ("UZ", "uz-tashkent-cell-lab"), ("KG", "kg-bishkek-cell-lab")];

    public async Task SeedAsync(TimeSpan waitForRegistry, CancellationToken ct)
    {
        if ((await store.QueryAsync(ProcurementCollections.CatalogueItems, new DocumentQuery { Limit = 1 }, ct)).Items.Count > 0 || !await RegistryArrivedAsync(waitForRegistry, ct))
        {
            return;
        }
        await Item("lv-cd19-vector-lot", "Lentiviral vector lot, CD19 CAR (GMP grade)", ItemCategory.LentiviralVector, "lot", 1,
            "lot for one manufacturing run", [("demo-vector-gmbh", "Demo Vector Manufacturing GmbH", "DE"), ("demo-viral-vectors", "Demo Viral Vectors Co.", "CN")], ct);
        await Item("prodigy-ts520", "Tubing set TS 520 for CliniMACS Prodigy", ItemCategory.TubingSet, "set", 1, "sterile single-use tubing set",
            [("demo-closed-systems", "Demo Closed-System Consumables", "DE")], ct);
        await Item("tcell-transduction-kit", "T cell selection, activation and transduction reagent kit", ItemCategory.ReagentKit, "kit", 1,
            "reagents for one manufacturing run", [("demo-closed-systems", "Demo Closed-System Consumables", "DE")], ct);
        await Item("il7-il15-cytokines", "Recombinant IL-7 and IL-15, GMP grade", ItemCategory.Cytokine, "pack", 10, "vial, 25 micrograms",
            [("demo-cytokines", "Demo Cytokines Ltd", "GB")], ct);
        await Item("tocilizumab-400", "Tocilizumab 400 mg/20 mL (CRS management)", ItemCategory.SupportiveMedicine, "vial", 1, "vial, 400 mg/20 mL",
            [("demo-pharma-wholesale", "Demo Pharma Wholesale", "CH"), ("demo-biosimilars", "Demo Biosimilars", "IN")], ct);
        await Item("tisagenlecleucel-dose", "Tisagenlecleucel (Kymriah), one infusion", ItemCategory.CarTDose, "dose", 1, "patient-specific infusion bag set",
            [("demo-commercial-car-t", "Demo Commercial CAR-T Supplier", "CH")], ct);

        var now = clock.GetUtcNow();
        // Open for three weeks: the three countries' ten lots reach the best tier; the pool goes ahead above four.
        var vectors = await openPool.ExecuteAsync(new OpenPoolCommand("Vector lots for the academic CD19 product, next two quarters", "lv-cd19-vector-lot",
            "demo-vector-gmbh", Usd, [Tier(1, 185_000m), Tier(4, 152_500m), Tier(10, 128_750m)], now, now.AddDays(21), MinimumVolume: 4, SupplyCap: 12), Admin, ct);
        await CommitAllAsync(vectors.Id, [(5, 160_000m), (3, 155_000m), (2, 150_000m)], ct);

        // Tocilizumab for the year: committed, then closed early by the consortium so that its orders and savings can be seen.
        var tocilizumab = await openPool.ExecuteAsync(new OpenPoolCommand("Tocilizumab for CRS management, 2027", "tocilizumab-400", "demo-pharma-wholesale",
            Usd, [Tier(1, 520m), Tier(50, 447.50m), Tier(200, 389.25m)], now, now.AddDays(30), MinimumVolume: 100, SupplyCap: null), Admin, ct);
        await CommitAllAsync(tocilizumab.Id, [(120, 480m), (80, 450m), (30, 400m)], ct);
        await closePool.ExecuteAsync(new ClosePoolCommand(tocilizumab.Id, "every member has committed its year's need (demo)"), Admin, ct);
    }

    private async Task CommitAllAsync(string poolId, (int Quantity, decimal MaxUnitPrice)[] commitments, CancellationToken ct)
    {
        foreach (var ((country, delivery), (quantity, max)) in Countries.Zip(commitments))
        {
            var officer = new Caller($"demo:{country.ToLowerInvariant()}-moh-procurement", $"{country.ToLowerInvariant()}-moh-procurement", country,
                $"{country.ToLowerInvariant()}-ministry-of-health", new HashSet<string> { Roles.ProcurementOfficer });
            await commitToPool.ExecuteAsync(new CommitToPoolCommand(poolId, country, quantity, new Money(max, Usd), delivery, $"{country}-MOH-2027-CART-{quantity:D3}",
                ExpectedRevision: 0), officer, ct);
        }
    }

    private Task<Stored<CatalogueItem>> Item(string id, string name, ItemCategory category, string unit, int packSize, string contents,
        (string Id, string Name, string Country)[] suppliers, CancellationToken ct) =>
        registerItem.ExecuteAsync(new RegisterItemCommand(id, name, category, unit, packSize, contents, [.. suppliers.Select(s => new Supplier(s.Id, s.Name, s.Country))]), ct);

    private static PriceTier Tier(int minQuantity, decimal usd) => new(minQuantity, new Money(usd, Usd));

    /// <summary>Whether the registry's demo delivery institutions have been projected, waiting up to <paramref name="wait"/>.</summary>
    private Task<bool> RegistryArrivedAsync(TimeSpan wait, CancellationToken ct) =>
        BuildingBlocks.Eventing.ReadModels.ArrivedAsync(async attemptCt =>
        {
            foreach (var (_, delivery) in Countries)
            {
                if (await store.FindAsync(ProcurementCollections.KnownInstitutions, delivery, attemptCt) is null)
                {
                    return false;
                }
            }
            return true;
        }, wait, ct);
}
