using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Approvals.Domain.Authorisations;

/// <summary>
/// Who may write which authorisation, beyond the role each RPC demands (the module's access
/// table lets regulatory officers and admins write at all).
/// </summary>
public static class AuthorisationAccess
{
    public const string OwnCountryOnly = "A regulatory officer records and changes authorisations of their own country only.";

    /// <summary>An admin writes for every jurisdiction; anyone else for their own country's only.</summary>
    /// <exception cref="CarTConsortium.BuildingBlocks.Errors.PermissionDeniedException">The caller may not write in <paramref name="jurisdiction"/>.</exception>
    public static void DemandWrite(Caller caller, string jurisdiction)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(caller.IsConsortiumAdmin || caller.IsOfCountry(jurisdiction), OwnCountryOnly);
    }
}
