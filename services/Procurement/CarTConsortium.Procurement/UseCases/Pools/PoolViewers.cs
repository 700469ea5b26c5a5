using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Procurement.Domain.Pools;
using Microsoft.Extensions.Options;

namespace CarTConsortium.Procurement.UseCases.Pools;

/// <summary>Makes the <see cref="PoolViewer"/> of a caller with the configured disclosure number ("Procurement:Disclosure:MinCountries").</summary>
public sealed class PoolViewers(IOptions<ProcurementOptions> options)
{
    public PoolViewer Of(Caller caller) => PoolViewer.Of(caller, options.Value.Disclosure.MinCountries);
}
