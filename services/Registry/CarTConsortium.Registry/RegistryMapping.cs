using CarTConsortium.BuildingBlocks.Storage;
using Google.Protobuf.WellKnownTypes;
using Contract = CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Registry;

/// <summary>Between the registry's stored records and its protobuf contract.</summary>
internal static class RegistryMapping
{
    public static Contract.Product ToContract(Stored<Products.Product> stored) => new()
    {
        ProductId = stored.Value.ProductId,
        Name = stored.Value.Name,
        TargetAntigen = stored.Value.TargetAntigen,
        CellSource = stored.Value.CellSource switch
        {
            Products.CellSource.Autologous => Contract.CellSource.Autologous,
            _ => Contract.CellSource.Allogeneic,
        },
        Manufacturer = stored.Value.Manufacturer,
        RegisteredAt = Timestamp.FromDateTimeOffset(stored.Value.RegisteredAt),
        Revision = new Contracts.Common.V1.Revision { Version = stored.Version },
    };

    public static Products.CellSource? FromContract(Contract.CellSource source) => source switch
    {
        Contract.CellSource.Autologous => Products.CellSource.Autologous,
        Contract.CellSource.Allogeneic => Products.CellSource.Allogeneic,
        _ => null,
    };
}
