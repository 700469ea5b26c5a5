using CarTConsortium.Contracts.Registry.V1;

namespace CarTConsortium.Portal.Components.Admin;

/// <summary>A country to admit (or a reference jurisdiction to record), as typed.</summary>
public sealed class AdmitCountryInput
{
    public string CountryCode { get; set; } = "";
    public string Name { get; set; } = "";
    public Membership Membership { get; set; } = Membership.Member;

    public AdmitCountryRequest ToRequest() => new()
    {
        CountryCode = CountryCode.Trim().ToUpperInvariant(),
        Name = Name.Trim(),
        Membership = Membership,
    };
}
