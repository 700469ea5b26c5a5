using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Slots.Domain.Waitlist;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Slots.UseCases.Bookings;
using CarTConsortium.Storage.Sqlite;
using CarTConsortium.Testing;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Slots.Tests;

/// <summary>
/// The registry's patient events reach slots in either order (topics are not ordered with each
/// other): through the module's wiring and the real dispatcher, a consent withdrawal that
/// arrives before its enrolment is kept, and the patient is then refused as a withdrawn one.
/// </summary>
public sealed class OrderFreeEventsTests : IAsyncLifetime
{
    private const string Hospital = "kz-astana-childrens";
    private const string Product = "ncb-cd19-academic";
    private const string Pseudonym = "KZ-7F3K-9Q2M-4N5P-R8TV";
    private static readonly DateTimeOffset EnrolledAt = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    private readonly TemporaryFolder _folder = new("cartc-slots-order-");
    private ServiceProvider _services = null!;
    private EventDispatcher _dispatcher = null!;

    public static TheoryData<bool> WithdrawalFirst => new(true, false);

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(FederationSettings.OneIssuer);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(EnrolledAt.AddHours(1)));
        builder.Services.AddSingleton(Options.Create(new EventingOptions { AppId = "slots" }));
        builder.Services.AddSqliteStorage(Path.Combine(_folder, "slots.db"));
        builder.Services.AddSingleton<EventDispatcher>();
        new SlotsModule().AddServices(builder);
        _services = builder.Services.BuildServiceProvider();
        _dispatcher = _services.GetRequiredService<EventDispatcher>();
        await DeliverAsync(new InstitutionChanged
        {
            Institution = new Institution
            {
                InstitutionId = Hospital,
                CountryCode = "KZ",
                Kind = InstitutionKind.TreatmentCentre,
                Revision = new Contracts.Common.V1.Revision { Version = 1 },
            },
        }, EnrolledAt);
        await DeliverAsync(new ProductRegistered { Product = new Product { ProductId = Product, Name = "Academic CD19 CAR-T", CellSource = CellSource.Autologous } },
            EnrolledAt);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _folder.Dispose();
    }

    [Theory]
    [MemberData(nameof(WithdrawalFirst))]
    public async Task A_withdrawal_in_either_order_with_its_enrolment_leaves_the_patient_refused_as_withdrawn(bool withdrawalFirst)
    {
        if (withdrawalFirst)
        {
            await DeliverAsync(Withdrawal(), EnrolledAt.AddMinutes(1));
            await DeliverAsync(Enrolment(), EnrolledAt);
        }
        else
        {
            await DeliverAsync(Enrolment(), EnrolledAt);
            await DeliverAsync(Withdrawal(), EnrolledAt.AddMinutes(1));
        }

        var refused = await Assert.ThrowsAsync<RuleViolationException>(RequestAsync);

        Assert.Equal("The patient's registry consent is withdrawn; nothing further is booked for the patient.", refused.Message);
        var kept = (await Store.FindAsync(SlotsCollections.KnownPatients, Pseudonym))!.Value;
        Assert.Equal((Hospital, false, false, 2L), (kept.TreatingInstitutionId, kept.InRegistry, kept.SharedAcrossBorders, kept.ConsentsRevision));
    }

    [Fact]
    public async Task Until_its_enrolment_arrives_a_patient_known_from_a_consent_change_is_not_known_for_booking()
    {
        await DeliverAsync(Withdrawal(), EnrolledAt.AddMinutes(1));

        await Assert.ThrowsAsync<NotFoundException>(RequestAsync);
        Assert.Empty(await Store.QueryAllAsync(SlotsCollections.KnownPatients, DocumentQuery.All.WhereKey(IndexKeys.TreatingInstitution, Hospital)));
    }

    [Fact]
    public async Task A_grant_before_its_enrolment_is_not_undone_by_the_enrolments_older_consents()
    {
        await DeliverAsync(new PatientConsentChanged
        {
            Pseudonym = Pseudonym,
            Consents = new Consents { Registry = true, CrossBorderSharing = true },
            Revision = new Contracts.Common.V1.Revision { Version = 2 },
        }, EnrolledAt.AddMinutes(1));
        await DeliverAsync(Enrolment(), EnrolledAt);

        var kept = (await Store.FindAsync(SlotsCollections.KnownPatients, Pseudonym))!.Value;
        Assert.Equal((true, true, true), (kept.IsEnrolled, kept.InRegistry, kept.SharedAcrossBorders));
    }

    private IDocumentStore Store => _services.GetRequiredService<IDocumentStore>();

    private static PatientEnrolled Enrolment() => new()
    {
        Pseudonym = Pseudonym,
        CountryCode = "KZ",
        TreatingInstitutionId = Hospital,
        BirthYear = 2016,
        BirthMonth = 5,
        Consents = new Consents { Registry = true },
        Revision = new Contracts.Common.V1.Revision { Version = 1 },
    };

    private static PatientConsentChanged Withdrawal() => new()
    {
        Pseudonym = Pseudonym,
        Consents = new Consents { Registry = false },
        Revision = new Contracts.Common.V1.Revision { Version = 2 },
    };

    /// <summary>One delivery, as the bus makes it: the dispatcher must apply it at once, not fail or retry it.</summary>
    private async Task DeliverAsync<T>(T integrationEvent, DateTimeOffset occurredAt) where T : IMessage<T>, new()
    {
        var envelope = new EventEnvelope(Guid.CreateVersion7().ToString(), IntegrationEvents.TopicOf<T>(), "registry", occurredAt,
            JsonFormatter.Default.Format(integrationEvent), null);
        Assert.Equal(DeliveryOutcome.Success, await _dispatcher.DispatchAsync(envelope, 1, CancellationToken.None));
    }

    private async Task RequestAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RequestRun>().ExecuteAsync(
            new RequestRunCommand(Pseudonym, Product, "r/r B-ALL", UrgencyClass.Standard, Hospital),
            Callers.Of(Roles.HospitalCoordinator, "KZ", Hospital), CancellationToken.None);
    }
}
