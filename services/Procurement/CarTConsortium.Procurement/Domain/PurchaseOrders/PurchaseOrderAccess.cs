using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Procurement.Domain.Pools;

namespace CarTConsortium.Procurement.Domain.PurchaseOrders;

/// <summary>
/// Who reads which purchase orders: a procurement officer their own country's only, a
/// consortium admin every country's (<see cref="PoolViewer"/>).
/// </summary>
public static class PurchaseOrderAccess
{
    public const string OwnCountryOnly = "A procurement officer reads their own country's purchase orders only.";

    /// <summary>Refuses the caller an order of <paramref name="countryCode"/> they may not see.</summary>
    /// <exception cref="PermissionDeniedException">Another country's order, for an officer.</exception>
    public static void DemandRead(Caller caller, string countryCode) => caller.Demand(PoolViewer.Of(caller).Sees(countryCode), OwnCountryOnly);

    /// <summary>
    /// The country a caller's list of orders is limited to: what an admin named (null: every
    /// country); an officer's own country, whether they named it or not (naming another is refused).
    /// </summary>
    /// <exception cref="PermissionDeniedException">An officer named another country, or the token names none.</exception>
    public static string? CountryListed(Caller caller, string? countryCode)
    {
        var viewer = PoolViewer.Of(caller);
        if (viewer.SeesEveryCountry)
        {
            return countryCode;
        }
        caller.Demand(string.IsNullOrEmpty(countryCode) || viewer.Sees(countryCode), OwnCountryOnly);
        return viewer.Country ?? throw new PermissionDeniedException("The token names no country.");
    }
}
