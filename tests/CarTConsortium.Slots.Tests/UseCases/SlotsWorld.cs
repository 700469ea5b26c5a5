using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Leases;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Slots.Domain.Allocation;
using CarTConsortium.Slots.Domain.Bookings;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Jobs;
using CarTConsortium.Slots.ReadModels;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases;
using CarTConsortium.Slots.UseCases.Allocation;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Slots.UseCases.Runs;
using CarTConsortium.Slots.UseCases.Waitlist;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ApprovalsContract = CarTConsortium.Contracts.Approvals.V1;
using Run = CarTConsortium.Slots.Domain.Runs.ManufacturingRun;

namespace CarTConsortium.Slots.Tests.UseCases;

/// <summary>
/// Slots' use cases on a real SQLite file, with a clock the test moves. Everything the
/// service knows of other services (institutions, the KG-KZ agreement, products,
/// authorisations, patients) reaches it as in production: through its projections, one
/// event at a time, each committed with its inbox mark.
/// </summary>
/// <remarks>
/// The world: a KZ manufacturing site (and a second one), two KZ hospitals, a KG hospital; an
/// agreement between KG and KZ covering shipment with a 2-day lead time; the product approved in
/// KZ and KG for patients of 1 to 25 years with r/r B-ALL; a second product, never authorised.
/// </remarks>
public sealed class SlotsWorld : IDisposable
{
    public const string Product = "ncb-cd19-academic";
    public const string OtherProduct = "tisagenlecleucel";
    public const string Site = "kz-astana-gmp";
    public const string OtherSite = "kz-almaty-gmp";
    public const string Hospital = "kz-astana-childrens";
    public const string OtherHospital = "kz-almaty-rcch";
    public const string KgHospital = "kg-bishkek-nccoh";
    public const string Indication = "r/r B-ALL";
    public const int ShipmentLeadDays = 2;
    public const string Agreement = "KG-KZ";

    /// <summary>The production lines each site has in the registry: the most a run of it offers.</summary>
    public const int SiteLines = 20;

    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    /// <summary>The first day of a run published without one: almost four weeks after <see cref="Start"/>, in April.</summary>
    public static readonly DateOnly RunStart = new(2026, 4, 6);

    private const string CrockfordDigits = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static long _patients;

    private readonly TemporaryFolder _folder = new("cartc-slots-usecases-");

    private SlotsWorld(Action<SlotsOptions>? configure)
    {
        Options = new SlotsOptions { HoldTime = TimeSpan.FromHours(48), OfferTime = TimeSpan.FromHours(24) };
        configure?.Invoke(Options);
        Sqlite = new SqliteDocumentStore(DatabasePath, new OutboxSignal());
        Store = new CountingStore(Sqlite);
        Services = ServicesOn(Store, Sqlite, Clock, Options, PlacesFreed);
    }

    /// <summary>
    /// The use cases of one instance of the module on <paramref name="store"/>, built by a container, so that the tests follow their
    /// constructors as they change.
    /// </summary>
    private static ServiceProvider ServicesOn(IDocumentStore store, ILeaseStore leases, TimeProvider clock, SlotsOptions options, PlacesFreed placesFreed)
    {
        return new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton(store)
            .AddSingleton(clock)
            // The running job works only while it holds its lease in the store, as on every replica.
            .AddSingleton(leases)
            .AddLeases()
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(options))
            .AddSingleton(placesFreed)
            .AddSingleton<Allocator>()
            .AddSingleton<LedgerGates>()
            .AddSingleton<InstitutionAccess>()
            .AddSingleton<RunReads>()
            .AddSingleton<RunChange>()
            .AddSingleton<PublishRun>()
            .AddSingleton<CloseRun>()
            .AddSingleton<ReopenRun>()
            .AddSingleton<GetFairShares>()
            .AddSingleton<BookingReads>()
            .AddSingleton<BookingPlaces>()
            .AddSingleton<InstitutionHolds>()
            .AddSingleton<LotteryDraws>()
            .AddSingleton<SlotsTelemetry>()
            .AddSingleton<GetUrgencyReport>()
            .AddSingleton<RequestRun>()
            .AddSingleton<GetBooking>()
            .AddSingleton<ListBookings>()
            .AddSingleton<AdvanceBooking>()
            .AddSingleton<MoveBooking>()
            .AddSingleton<ExplainAllocation>()
            .AddSingleton<WaitlistQueue>()
            .AddSingleton<ListWaitlist>()
            .AddSingleton<WithdrawFromWaitlist>()
            .AddSingleton<LapseDueHolds>()
            .AddSingleton<OfferFreedPlaces>()
            .AddSingleton<LapsePassedWindows>()
            .AddSingleton<BookingHousekeeping>()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>
    /// A second instance of the module on the world's file, clock and options, as another process or replica runs it: its own
    /// connection to the file, its own ledger gates and its own wake-up signal (the caller disposes both).
    /// </summary>
    public (ServiceProvider Services, CountingStore Store, PlacesFreed PlacesFreed) AnotherInstance()
    {
        var file = new SqliteDocumentStore(DatabasePath, new OutboxSignal());
        var store = new CountingStore(file);
        var placesFreed = new PlacesFreed();
        return (ServicesOn(store, file, Clock, Options, placesFreed), store, placesFreed);
    }

    /// <summary>The use cases on the world's store, clock and options.</summary>
    public ServiceProvider Services { get; }

    public FakeTimeProvider Clock { get; } = new(Start);

    public SlotsOptions Options { get; }

    /// <summary>The file itself, for its outbox.</summary>
    public SqliteDocumentStore Sqlite { get; }

    /// <summary>What the use cases are given: the file, counting reads.</summary>
    public CountingStore Store { get; }

    public PlacesFreed PlacesFreed { get; } = new();

    public RequestRun RequestRun => Services.GetRequiredService<RequestRun>();

    public GetBooking GetBooking => Services.GetRequiredService<GetBooking>();

    public ListBookings ListBookings => Services.GetRequiredService<ListBookings>();

    public AdvanceBooking AdvanceBooking => Services.GetRequiredService<AdvanceBooking>();

    public MoveBooking MoveBooking => Services.GetRequiredService<MoveBooking>();

    public ExplainAllocation ExplainAllocation => Services.GetRequiredService<ExplainAllocation>();

    public ListWaitlist ListWaitlist => Services.GetRequiredService<ListWaitlist>();

    public WithdrawFromWaitlist WithdrawFromWaitlist => Services.GetRequiredService<WithdrawFromWaitlist>();

    public LapseDueHolds LapseDueHolds => Services.GetRequiredService<LapseDueHolds>();

    public OfferFreedPlaces OfferFreedPlaces => Services.GetRequiredService<OfferFreedPlaces>();

    public PublishRun PublishRun => Services.GetRequiredService<PublishRun>();

    public CloseRun CloseRun => Services.GetRequiredService<CloseRun>();

    public ReopenRun ReopenRun => Services.GetRequiredService<ReopenRun>();

    public GetFairShares GetFairShares => Services.GetRequiredService<GetFairShares>();

    public GetUrgencyReport GetUrgencyReport => Services.GetRequiredService<GetUrgencyReport>();

    /// <summary>The job that lets holds lapse and offers freed places, as the host runs it.</summary>
    public BookingHousekeeping Housekeeping => Services.GetRequiredService<BookingHousekeeping>();

    public string DatabasePath => Path.Combine(_folder, "slots.db");

    public static Caller Coordinator(string hospital) => Callers.Of(Roles.HospitalCoordinator, CountryOf(hospital), hospital);

    public static Caller SiteAccount(string site = Site) => Callers.Of(Roles.ManufacturingSite, "KZ", site);

    public static string CountryOf(string institution) => institution[..2].ToUpperInvariant();

    /// <summary>A world with the registry's institutions, the agreement and the products, and the product approved in <paramref name="authorisedIn"/>.</summary>
    /// <param name="authorisedIn">KZ and KG when null.</param>
    public static async Task<SlotsWorld> CreateAsync(Action<SlotsOptions>? configure = null, IReadOnlyCollection<string>? authorisedIn = null)
    {
        var world = new SlotsWorld(configure);
        try
        {
            await world.SeedAsync(authorisedIn ?? ["KZ", "KG"]);
            return world;
        }
        catch
        {
            world.Dispose();
            throw;
        }
    }

    /// <summary>A world where approvals has announced no authorisation of the product anywhere.</summary>
    public static Task<SlotsWorld> WithoutAuthorisationAsync() => CreateAsync(null, []);

    private async Task SeedAsync(IReadOnlyCollection<string> authorisedIn)
    {
        var institutions = new InstitutionProjection(Store);
        foreach (var (id, kind) in new[]
        {
            (Site, InstitutionKind.ManufacturingSite), (OtherSite, InstitutionKind.ManufacturingSite),
            (Hospital, InstitutionKind.TreatmentCentre), (OtherHospital, InstitutionKind.TreatmentCentre), (KgHospital, InstitutionKind.TreatmentCentre),
        })
        {
            await ProjectAsync(institutions, new InstitutionChanged
            {
                Institution = new Institution
                {
                    InstitutionId = id,
                    CountryCode = CountryOf(id),
                    Kind = kind,
                    Revision = new Contracts.Common.V1.Revision { Version = 1 },
                    Capabilities = new Capabilities { ProductionLines = kind == InstitutionKind.ManufacturingSite ? SiteLines : 0 },
                },
            });
        }
        await ProjectAsync(new AgreementProjection(Store), AgreementChanged(1, endsOn: null));
        var products = new ProductProjection(Store);
        foreach (var (id, name) in new[] { (Product, "Academic CD19 CAR-T"), (OtherProduct, "Kymriah") })
        {
            await ProjectAsync(products, new ProductRegistered
            {
                Product = new Product { ProductId = id, Name = name, TargetAntigen = "CD19", CellSource = CellSource.Autologous, Manufacturer = "NCB" },
            });
        }
        foreach (var country in authorisedIn)
        {
            await ProjectAuthorisationAsync(country, ApprovalsContract.AuthorisationStatus.Approved, 1);
        }
        // The approvals woke the housekeeping job; a test starts with no wake-up pending.
        await WereFreedAsync();
    }

    /// <summary>Whether the housekeeping job was woken (<see cref="PlacesFreed"/>) since last asked; asking takes the wake-up.</summary>
    public async Task<bool> WereFreedAsync() => await PlacesFreed.WaitAsync(TimeSpan.Zero, CancellationToken.None);

    // ---- events in ----

    /// <summary>What the dispatcher does for one delivery: the handler's changes committed with the inbox mark.</summary>
    public async Task ProjectAsync<T>(IEventHandler<T> handler, T integrationEvent, DateTimeOffset? occurredAt = null) where T : IMessage<T>, new()
    {
        var envelope = new EventEnvelope(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<T>(), "test", occurredAt ?? Clock.GetUtcNow(),
            JsonFormatter.Default.Format(integrationEvent), null);
        var context = new EventContext(envelope, 1, new ChangeSet().MarkHandled(handler.GetType().FullName!, envelope.Id));
        await handler.HandleAsync(integrationEvent, context, CancellationToken.None);
        await Sqlite.CommitAsync(context.Changes);
    }

    public static string AuthorisationIdIn(string country) => $"{Product}.{country}.MarketingAuthorisation";

    /// <summary>Approvals' AuthorisationChanged for the product in <paramref name="country"/>: r/r B-ALL, 1 to 25 years, in effect since 2025-07-01.</summary>
    public Task ProjectAuthorisationAsync(string country, ApprovalsContract.AuthorisationStatus status, long revision, Action<ApprovalsContract.Authorisation>? adjust = null)
    {
        var authorisation = new ApprovalsContract.Authorisation
        {
            AuthorisationId = AuthorisationIdIn(country),
            ProductId = Product,
            Jurisdiction = country,
            Authority = ApprovalsContract.Authority.National,
            Pathway = ApprovalsContract.Pathway.MarketingAuthorisation,
            Status = status,
            Scope = new ApprovalsContract.Scope { Indication = Indication, MinAgeYears = 1, MaxAgeYears = 25 },
            EffectiveOn = new Google.Type.Date { Year = 2025, Month = 7, Day = 1 },
            Revision = new Contracts.Common.V1.Revision { Version = revision },
        };
        adjust?.Invoke(authorisation);
        return ProjectAsync(new AuthorisationProjection(Store, Clock, PlacesFreed), new ApprovalsContract.AuthorisationChanged { Authorisation = authorisation });
    }

    public static AgreementChanged AgreementChanged(long revision, DateOnly? endsOn) => new()
    {
        Agreement = new Contracts.Registry.V1.Agreement
        {
            AgreementId = Agreement,
            CountryCodes = { "KG", "KZ" },
            CrossBorderCare = true,
            Shipment = true,
            ShipmentLeadDays = ShipmentLeadDays,
            EffectiveFrom = new Google.Type.Date { Year = 2026, Month = 1, Day = 1 },
            EndsOn = endsOn is { } end ? new Google.Type.Date { Year = end.Year, Month = end.Month, Day = end.Day } : null,
            Revision = new Contracts.Common.V1.Revision { Version = revision },
        },
    };

    /// <summary>A patient of <paramref name="hospital"/> enrolled in the registry (born May 2016 unless told), sharing across borders only if told.</summary>
    public async Task<string> EnrolAsync(string hospital = Hospital, int birthYear = 2016, int birthMonth = 5, bool crossBorder = false)
    {
        var country = CountryOf(hospital);
        var pseudonym = NextPseudonym(country);
        var projection = new PatientProjection(Store);
        await ProjectAsync(projection, new PatientEnrolled
        {
            Pseudonym = pseudonym,
            CountryCode = country,
            TreatingInstitutionId = hospital,
            BirthYear = birthYear,
            BirthMonth = birthMonth,
        });
        if (crossBorder)
        {
            await ProjectAsync(projection, new PatientConsentChanged { Pseudonym = pseudonym, Consents = new Consents { Registry = true, CrossBorderSharing = true } });
        }
        return pseudonym;
    }

    /// <summary><paramref name="count"/> patients of <paramref name="hospital"/>, enrolled a few at a time.</summary>
    public async Task<IReadOnlyList<string>> EnrolManyAsync(int count, string hospital = Hospital)
    {
        var pseudonyms = new List<string>(count);
        foreach (var batch in Enumerable.Range(0, count).Chunk(16))
        {
            pseudonyms.AddRange(await Task.WhenAll(batch.Select(_ => EnrolAsync(hospital))));
        }
        return pseudonyms;
    }

    /// <summary>A registry-shaped pseudonym from a process-wide counter, written in Crockford base 32: unique, and the same shape as the registry's.</summary>
    public static string NextPseudonym(string country)
    {
        var number = (ulong)Interlocked.Increment(ref _patients);
        var digits = new char[16];
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            digits[i] = CrockfordDigits[(int)(number % 32)];
            number /= 32;
        }
        var text = new string(digits);
        return $"{country}-{text[..4]}-{text[4..8]}-{text[8..12]}-{text[12..]}";
    }

    // ---- the use cases, as their callers call them ----

    /// <summary>A run published by the site's own account, starting on <see cref="RunStart"/> unless told; the apheresis cut-off is the day before.</summary>
    public async Task<Stored<Run>> PublishAsync(DateOnly? runStart = null, int lines = 1, string site = Site, string product = Product) =>
        (await PublishRun.ExecuteAsync(new PublishRunCommand(site, product, DateParts.Of(runStart ?? RunStart), 12, lines), SiteAccount(site), CancellationToken.None)).Stored;

    /// <summary>The patient's coordinator asks for any run of the product, as soon as possible.</summary>
    public Task<RequestRunResult> RequestAsync(string pseudonym, string hospital = Hospital, UrgencyClass urgency = UrgencyClass.Standard,
        bool noWaitlist = false, string product = Product, string? site = null) =>
        RequestRun.ExecuteAsync(new RequestRunCommand(pseudonym, product, Indication, urgency, hospital, site, null, null, noWaitlist,
            urgency == UrgencyClass.Emergency ? EmergencyJustification : null), Coordinator(hospital), CancellationToken.None);

    /// <summary>What the world's hospitals say when they declare an emergency.</summary>
    public const string EmergencyJustification = "Second relapse with rising blasts; bridging chemotherapy failed.";

    /// <summary>A request that must end in a hold; its booking.</summary>
    public async Task<Stored<Booking>> HoldAsync(string pseudonym, string hospital = Hospital, UrgencyClass urgency = UrgencyClass.Standard)
    {
        var outcome = await RequestAsync(pseudonym, hospital, urgency);
        return outcome.Booking ?? throw new InvalidOperationException($"Expected a hold for {pseudonym}: {outcome.Summary} {Reasons(outcome)}");
    }

    /// <summary>A patient newly enrolled at <paramref name="hospital"/> (sharing across borders when it is abroad) and held a run.</summary>
    public async Task<Stored<Booking>> HoldForNewPatientAsync(string hospital = Hospital) =>
        await HoldAsync(await EnrolAsync(hospital, crossBorder: CountryOf(hospital) != "KZ"), hospital);

    /// <summary>A patient newly enrolled at the hospital and put on the waitlist.</summary>
    public async Task<Stored<WaitlistEntry>> WaitForNewPatientAsync(UrgencyClass urgency = UrgencyClass.Standard) =>
        await WaitAsync(await EnrolAsync(), urgency: urgency);

    /// <summary>A request that must end on the waitlist; its entry.</summary>
    public async Task<Stored<WaitlistEntry>> WaitAsync(string pseudonym, string hospital = Hospital, UrgencyClass urgency = UrgencyClass.Standard)
    {
        var outcome = await RequestAsync(pseudonym, hospital, urgency);
        return outcome.Entry ?? throw new InvalidOperationException($"Expected a waitlist entry for {pseudonym}: {outcome.Summary}");
    }

    /// <summary>One lifecycle step by <paramref name="caller"/> at the booking's current revision.</summary>
    public async Task<Stored<Booking>> AdvanceAsync(Caller caller, string bookingId, BookingStatus to, string? note = null)
    {
        var current = await BookingAsync(bookingId);
        return (await AdvanceBooking.ExecuteAsync(new AdvanceBookingCommand(bookingId, to, current.Version, note), caller, CancellationToken.None)).Stored;
    }

    /// <summary>A booking taken by its hospital and site through <paramref name="steps"/>, in order.</summary>
    public async Task<Stored<Booking>> WalkAsync(Stored<Booking> booking, params BookingStatus[] steps)
    {
        foreach (var step in steps)
        {
            var caller = step is BookingStatus.Confirmed or BookingStatus.ApheresisShipped or BookingStatus.Infused
                ? Coordinator(booking.Value.TreatingInstitutionId)
                : SiteAccount(booking.Value.SiteId);
            booking = await AdvanceAsync(caller, booking.Id, step);
        }
        return booking;
    }

    // ---- what is stored ----

    public async Task<Stored<Booking>> BookingAsync(string bookingId) =>
        await Sqlite.FindAsync(SlotsCollections.Bookings, bookingId) ?? throw new InvalidOperationException($"No booking {bookingId}.");

    public async Task<WaitlistEntry> EntryAsync(string entryId) =>
        (await Sqlite.FindAsync(SlotsCollections.Waitlist, entryId))?.Value ?? throw new InvalidOperationException($"No entry {entryId}.");

    public async Task<PatientClaim?> ClaimAsync(string pseudonym) => (await Sqlite.FindAsync(SlotsCollections.PatientClaims, pseudonym))?.Value;

    public Task<List<Stored<Booking>>> BookingsAsync(BookingStatus? status = null) =>
        Sqlite.QueryAllAsync(SlotsCollections.Bookings, DocumentQuery.All.WhereKey("status", status?.ToString()));

    public Task<List<Stored<WaitlistEntry>>> EntriesAsync(WaitlistStatus? status = null) =>
        Sqlite.QueryAllAsync(SlotsCollections.Waitlist, DocumentQuery.All.WhereKey("status", status?.ToString()));

    /// <summary>The places taken in <paramref name="run"/> as its period's ledger counts them.</summary>
    public async Task<RunPlaces> PlacesAsync(Stored<Run> run)
    {
        var ledger = await Sqlite.FindAsync(SlotsCollections.PeriodLedgers, PeriodLedger.IdOf(run.Value.SiteId, run.Value.RunStart))
            ?? throw new InvalidOperationException($"No ledger for run {run.Id}.");
        return ledger.Value.PlacesOf(run.Id);
    }

    /// <summary>Every event of type <typeparamref name="T"/> in the outbox, oldest first.</summary>
    public async Task<IReadOnlyList<T>> RaisedAsync<T>() where T : IMessage<T>, new()
    {
        var topic = IntegrationEvents.TopicOf<T>();
        var parser = new MessageParser<T>(() => new T());
        return [.. (await Sqlite.ReadPendingAsync(100_000)).Where(m => m.Topic == topic).Select(m => parser.ParseJson(m.Payload))];
    }

    /// <summary>A stored document whole, version and all, as text: two reads compare equal only if nothing in them differs.</summary>
    public static string Whole<T>(Stored<T> stored) => System.Text.Json.JsonSerializer.Serialize(stored, DocumentJson.Options);

    /// <summary>Midnight UTC of <paramref name="day"/>: the clock moved there.</summary>
    public void MoveTo(DateOnly day) => Clock.SetUtcNow(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

    public static string Reasons(RequestRunResult outcome) => string.Join(" | ", outcome.Decisions.SelectMany(d => d.Reasons));

    public void Dispose()
    {
        Services.Dispose();
        PlacesFreed.Dispose();
        _folder.Dispose();
    }
}
