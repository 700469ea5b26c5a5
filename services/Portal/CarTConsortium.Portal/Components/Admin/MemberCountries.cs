using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Portal.Errors;

namespace CarTConsortium.Portal.Components.Admin;

/// <summary>The member countries a form offers (not the reference jurisdictions); none when they cannot be read.</summary>
public static class MemberCountries
{
    public static async Task<IReadOnlyList<Country>> LoadAsync(RegistryService.RegistryServiceClient registry, CallGuard guard)
    {
        var members = await guard.RunAsync(async () => await registry.ListCountriesAsync(new ListCountriesRequest
        {
            Page = new() { PageSize = 200 },
            Membership = Membership.Member,
        }));
        return members.Value?.Countries.ToList() ?? [];
    }
}
