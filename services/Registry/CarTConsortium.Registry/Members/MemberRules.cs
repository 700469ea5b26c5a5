using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Registry.Members;

/// <summary>The membership facts other use cases check against the store, in one place.</summary>
internal static class MemberRules
{
    /// <summary>FAILED_PRECONDITION unless <paramref name="countryCode"/> is a member country.</summary>
    public static async Task RequireMemberAsync(this IDocumentStore store, string countryCode, CancellationToken ct)
    {
        var country = await store.FindAsync(Country.Collection, countryCode, ct);
        if (country is null || !country.Value.IsMember)
        {
            throw new RuleViolationException($"{countryCode} is not a member country of the consortium.");
        }
    }

    /// <summary>Whether the two countries' agreement covers cross-border care on <paramref name="day"/>.</summary>
    public static async Task<bool> CrossBorderCareInForceAsync(this IDocumentStore store, string first, string second, DateOnly day, CancellationToken ct)
    {
        var agreement = await store.FindAsync(Agreement.Collection, Agreement.IdOf(first, second), ct);
        return agreement is not null && agreement.Value.CrossBorderCare && agreement.Value.IsInForceOn(day);
    }
}
