using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf.WellKnownTypes;
using CarTConsortium.ServiceDefaults;
using Contract = CarTConsortium.Contracts.Slots.V1;

namespace CarTConsortium.Slots;

/// <summary>Between slots' stored records and its protobuf contract.</summary>
internal static class SlotsMapping
{
    public static Contract.Capacity ToContract(Stored<Capacity.Capacity> stored) => new()
    {
        CapacityId = stored.Value.CapacityId,
        SiteId = stored.Value.SiteId,
        ProductId = stored.Value.ProductId,
        RunStart = stored.Value.RunStart.ToContractDate(),
        RunDays = stored.Value.RunDays,
        Lines = stored.Value.Lines,
        PublishedAt = Timestamp.FromDateTimeOffset(stored.Value.PublishedAt),
        Revision = new Contracts.Common.V1.Revision { Version = stored.Version },
    };

    public static DateParts? FromContract(Google.Type.Date? date) => date.ToDateParts();
}
