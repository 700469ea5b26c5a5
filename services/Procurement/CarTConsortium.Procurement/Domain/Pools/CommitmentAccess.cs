using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Procurement.Domain.Pools;

/// <summary>
/// Who may commit, amend and withdraw for a country: a procurement officer of that country
/// and nobody else (a consortium admin commits nobody's budget).
/// </summary>
public static class CommitmentAccess
{
    public const string OwnCountryOnly = "A procurement officer commits, amends and withdraws for their own country only.";

    /// <exception cref="BuildingBlocks.Errors.PermissionDeniedException">The caller is not of <paramref name="countryCode"/>.</exception>
    public static void Demand(Caller caller, string? countryCode) => caller.Demand(caller.IsOfCountry(countryCode), OwnCountryOnly);
}
