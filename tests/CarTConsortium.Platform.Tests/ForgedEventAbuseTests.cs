using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;
using CarTConsortium.Eventing.Embedded;
using CarTConsortium.Slots.Storage;
using CarTConsortium.Testing;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>
/// Issue 15, failure 3 as it was reported: an event written straight into the standalone platform's
/// bus with source=attacker, saying a product was approved in a country, is not applied by slots.
/// </summary>
public sealed class ForgedEventAbuseTests(PlatformFixture fixture)
{
    [Fact]
    public async Task An_approval_written_into_the_bus_by_an_attacker_is_not_applied_by_slots()
    {
        var slots = fixture.Running.Platform.ServicesOf("slots");
        var store = slots.GetRequiredService<IDocumentStore>();
        const string authorisationId = "tisagenlecleucel.KG.ForgedMarketingAuthorisation";
        var approval = new AuthorisationChanged
        {
            Authorisation = new Authorisation
            {
                AuthorisationId = authorisationId,
                ProductId = "tisagenlecleucel",
                Jurisdiction = "KG",
                Authority = Authority.National,
                Pathway = Pathway.MarketingAuthorisation,
                Status = AuthorisationStatus.Approved,
                Scope = new Scope { Indication = "r/r B-ALL" },
                Revision = new Contracts.Common.V1.Revision { Version = 1 },
            },
        };
        using var forged = new EventCounter("consortium.events.forged");

        await slots.GetRequiredService<EmbeddedBus>().PublishAsync(new EventEnvelope(Guid.CreateVersion7().ToString(),
            IntegrationEvents.TopicOf<AuthorisationChanged>(), "attacker", DateTimeOffset.UtcNow, JsonFormatter.Default.Format(approval), null));

        await Eventually.HoldsAsync(() => Task.FromResult(forged.Total(("consumer", "slots"), ("topic", IntegrationEvents.TopicOf<AuthorisationChanged>()), ("source", "attacker")) == 1), "slots refused the forged approval");
        Assert.Null(await store.FindAsync(SlotsCollections.KnownAuthorisations, authorisationId));
    }
}
