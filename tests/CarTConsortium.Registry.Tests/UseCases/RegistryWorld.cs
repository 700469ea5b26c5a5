using System.Text.Json;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Domain.Members;
using CarTConsortium.Registry.Domain.Patients;
using CarTConsortium.Registry.Domain.Products;
using CarTConsortium.Registry.Domain.Statistics;
using CarTConsortium.Registry.Storage;
using CarTConsortium.Registry.UseCases.Members;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.Registry.UseCases.Products;
using CarTConsortium.Registry.UseCases.Statistics;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// One test's registry on a real SQLite file: the member countries (KZ, UZ, KG; US for
/// reference), three treatment centres and a manufacturing site, the KG-KZ cross-border care
/// agreement, two products, and the use cases over them, with the callers that use them.
/// </summary>
internal sealed class RegistryWorld : RegistryUseCases, IAsyncDisposable
{
    public static readonly CancellationToken None = CancellationToken.None;

    /// <summary>09:30 UTC on 10 March 2026.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    public const string Astana = "kz-astana-childrens";
    public const string Almaty = "kz-almaty-oncology";
    public const string Tashkent = "uz-ncmc-tashkent";
    public const string NcbSite = "kz-ncb-astana";
    public const string Academic = "ncb-cd19-academic";
    public const string Kymriah = "tisagenlecleucel";

    public static readonly Consents RegistryOnly = new(Registry: true, CrossBorderSharing: false, Research: false);
    public static readonly Consents Shared = new(Registry: true, CrossBorderSharing: true, Research: true);
    public static readonly Consents Withdrawn = new(Registry: false, CrossBorderSharing: false, Research: false);

    public static Caller AstanaClinician { get; } = Callers.Of(Roles.Clinician, "KZ", Astana);
    public static Caller AstanaCoordinator { get; } = Callers.Of(Roles.HospitalCoordinator, "KZ", Astana);
    public static Caller AlmatyClinician { get; } = Callers.Of(Roles.Clinician, "KZ", Almaty);
    public static Caller TashkentClinician { get; } = Callers.Of(Roles.Clinician, "UZ", Tashkent);
    public static Caller Admin => Callers.Admin;

    private static readonly Institution.AccreditationInput Accredited = new(AccreditationStatus.Accredited, "FACT-JACIE", new DateParts(2028, 1, 31));

    private readonly TemporaryFolder _folder;

    private RegistryWorld(TemporaryFolder folder, string databasePath, SqliteDocumentStore store, FakeTimeProvider clock, Pseudonymiser pseudonymiser,
        EnrolmentLimit? enrolmentLimit, EnrolmentTelemetry? enrolmentTelemetry)
        : base(store, clock, pseudonymiser, enrolmentLimit, enrolmentTelemetry)
    {
        _folder = folder;
        DatabasePath = databasePath;
        Store = store;
        Clock = clock;
        Pseudonymiser = pseudonymiser;
    }

    public string Folder => _folder.Path;

    public string DatabasePath { get; }

    public FakeTimeProvider Clock { get; }

    public SqliteDocumentStore Store { get; }

    public Pseudonymiser Pseudonymiser { get; }

    /// <summary>The registry set up; without <paramref name="kgKzAgreement"/> KG and KZ have agreed nothing.</summary>
    /// <param name="enrolmentLimit">The per-institution enrolment limit; one the tests never reach unless given.</param>
    /// <param name="statisticsBuilt">False for a registry as it was before statistics were maintained: no tallies built at start.</param>
    public static async Task<RegistryWorld> CreateAsync(bool kgKzAgreement = true, EnrolmentLimit? enrolmentLimit = null, EnrolmentTelemetry? enrolmentTelemetry = null,
        bool statisticsBuilt = true)
    {
        var folder = new TemporaryFolder("cartc-usecases-");
        var databasePath = System.IO.Path.Combine(folder, "registry.db");
        var world = new RegistryWorld(folder, databasePath, new SqliteDocumentStore(databasePath, new OutboxSignal()), new FakeTimeProvider(Start), new Pseudonymiser(Secrets()),
            enrolmentLimit, enrolmentTelemetry);
        try
        {
            await world.SetUpAsync(kgKzAgreement);
            if (statisticsBuilt)
            {
                // As the module's start-up does, so every write after it keeps the tallies.
                await world.BuildStatisticsTallies.ExecuteAsync(None);
            }
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
        return world;
    }

    /// <summary>The test secrets of <see cref="RegistrySettings.Pseudonymisation"/>, as the module would bind them.</summary>
    public static PseudonymisationOptions Secrets()
    {
        var options = new PseudonymisationOptions();
        const string Prefix = PseudonymisationOptions.Section + ":CountrySecrets:";
        foreach (var (key, value) in RegistrySettings.Pseudonymisation)
        {
            options.CountrySecrets[key[Prefix.Length..]] = value!;
        }
        return options;
    }

    private async Task SetUpAsync(bool kgKzAgreement)
    {
        await AdmitCountry.ExecuteAsync(new AdmitCountryCommand("KZ", "Kazakhstan", Membership.Member), None);
        await AdmitCountry.ExecuteAsync(new AdmitCountryCommand("UZ", "Uzbekistan", Membership.Member), None);
        await AdmitCountry.ExecuteAsync(new AdmitCountryCommand("KG", "Kyrgyzstan", Membership.Member), None);
        await AdmitCountry.ExecuteAsync(new AdmitCountryCommand("US", "United States", Membership.Reference), None);
        await Centre(Astana, "KZ");
        await Centre(Almaty, "KZ");
        await Centre(Tashkent, "UZ");
        await RegisterInstitution.ExecuteAsync(new RegisterInstitutionCommand(NcbSite, "National Center for Biotechnology", "KZ", InstitutionKind.ManufacturingSite, Accredited, new Capabilities(2, 0, false), null), None);
        if (kgKzAgreement)
        {
            await SignAgreement.ExecuteAsync(new SignAgreementCommand(["KG", "KZ"], CrossBorderCare: true, Shipment: true, ShipmentLeadDays: 2, new DateParts(2025, 1, 1), null), None);
        }
        await RegisterProduct.ExecuteAsync(new RegisterProductCommand(Academic, "Academic CD19 CAR-T", "CD19", CellSource.Autologous, "National Center for Biotechnology"), None);
        await RegisterProduct.ExecuteAsync(new RegisterProductCommand(Kymriah, "Kymriah", "CD19", CellSource.Autologous, "Novartis"), None);

        Task Centre(string id, string country) =>
            RegisterInstitution.ExecuteAsync(new RegisterInstitutionCommand(id, id, country, InstitutionKind.TreatmentCentre, Accredited, new Capabilities(0, 8, true), null), None);
    }

    /// <summary>A girl born in May 2016 with relapsed CD19+ B-ALL, enrolled at the caller's institution unless told otherwise.</summary>
    public Task<Stored<PatientRecord>> EnrolAsync(Caller caller, string nationalId, string? country = null, string? institution = null,
        Consents? consents = null, int birthYear = 2016, int birthMonth = 5) =>
        EnrolPatient.ExecuteAsync(new EnrolPatientCommand(nationalId, country, institution ?? caller.Org!, birthYear, birthMonth, Sex.Female, DiseaseStatus.Relapsed, Cd19Status.Positive, 2, consents ?? RegistryOnly), caller, None);

    /// <summary>An infusion recorded by the treating institution's clinician.</summary>
    public Task<Stored<PatientRecord>> InfuseAsync(Caller clinician, string pseudonym, DateOnly on, string product = Academic) =>
        RecordInfusion.ExecuteAsync(new RecordInfusionCommand(pseudonym, product, 1.5, DateParts.Of(on), null), clinician, None);

    public Task<Stored<PatientRecord>> OutcomeAsync(Caller clinician, string pseudonym, DateOnly on, OutcomeReport report) =>
        RecordOutcome.ExecuteAsync(new RecordOutcomeCommand(pseudonym, DateParts.Of(on), report), clinician, None);

    public Task<Stored<PatientRecord>> ReadAsync(Caller caller, string pseudonym, AccessPurpose? purpose = AccessPurpose.Treatment, string? justification = "ward round") =>
        GetPatient.ExecuteAsync(new GetPatientCommand(pseudonym, purpose, justification), caller, None);

    /// <summary>Every page of the list the caller asks for.</summary>
    public async Task<List<Stored<PatientRecord>>> ListAllAsync(Caller caller, int pageSize = 0, string? institution = null, string? country = null)
    {
        var all = new List<Stored<PatientRecord>>();
        string? token = null;
        do
        {
            var page = await ListPatients.ExecuteAsync(new ListPatientsCommand(pageSize, token, AccessPurpose.QualityReview, "audit", institution, country), caller, None);
            all.AddRange(page.Patients);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    /// <summary>The stored record, read past every use case.</summary>
    public Task<Stored<PatientRecord>?> StoredAsync(string pseudonym) => Store.FindAsync(RegistryCollections.Patients, pseudonym, None);

    public async Task<IReadOnlyList<Stored<PatientRecord>>> AllPatientsAsync() => await AllAsync(RegistryCollections.Patients);

    /// <summary>The whole access log, in id (time) order.</summary>
    public async Task<IReadOnlyList<AccessLogEntry>> AccessLogAsync() => [.. (await AllAsync(RegistryCollections.AccessLog)).Select(e => e.Value)];

    private Task<List<Stored<T>>> AllAsync<T>(Collection<T> collection) where T : class => Store.QueryAllAsync(collection, DocumentQuery.All, None);

    /// <summary>
    /// The same stored record: id, version and every field (the record's lists compare by
    /// reference, so the values are compared as the JSON the store keeps).
    /// </summary>
    public static void AssertSame(Stored<PatientRecord>? expected, Stored<PatientRecord>? actual)
    {
        Xunit.Assert.NotNull(expected);
        Xunit.Assert.NotNull(actual);
        Xunit.Assert.Equal((expected.Id, expected.Version), (actual.Id, actual.Version));
        Xunit.Assert.Equal(JsonSerializer.Serialize(expected.Value, DocumentJson.Options), JsonSerializer.Serialize(actual.Value, DocumentJson.Options));
    }

    /// <summary>Every event of type <typeparamref name="T"/> in the outbox, in commit order.</summary>
    public async Task<List<T>> EventsAsync<T>() where T : IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        var topic = IntegrationEvents.TopicOf<T>();
        return [.. (await Store.ReadPendingAsync(10_000, None)).Where(m => m.Topic == topic).Select(m => parser.ParseJson(m.Payload))];
    }

    /// <summary>Every message of the outbox, raw.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> OutboxAsync() => await Store.ReadPendingAsync(10_000, None);

    /// <summary>The consortium total (no grouping, no filter) as the live tallies give it.</summary>
    public async Task<StatisticsCell> TotalAsync() => (await LiveAsync(new GetStatisticsCommand([], null, null, 0))).Total;

    /// <summary>A request's slice from the live tallies (what a release does not publish: the tallies' own checks).</summary>
    public Task<StatisticsSlice> LiveAsync(GetStatisticsCommand request) =>
        LiveAsync(StatisticsSnapshots, Store, request);

    public static Task<StatisticsSlice> LiveAsync(StatisticsSnapshots snapshots, IDocumentStore store, GetStatisticsCommand request) =>
        snapshots.LiveSliceAsync(store, request.GroupBy.OfType<Dimension>().ToHashSet(), string.IsNullOrEmpty(request.CountryCode) ? null : request.CountryCode,
            string.IsNullOrEmpty(request.ProductId) ? null : request.ProductId, request.Year == 0 ? null : request.Year, None);

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}
