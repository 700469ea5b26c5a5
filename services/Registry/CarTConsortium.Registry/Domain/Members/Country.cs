using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Registry.Domain.Members;

public enum Membership
{
    /// <summary>Its hospitals book, its officers pool orders, its patients enrol.</summary>
    Member,

    /// <summary>A jurisdiction whose authority's decisions members rely on (US, EU, ...).</summary>
    Reference,
}

/// <summary>A country the consortium knows: a member, or a reference jurisdiction.</summary>
public sealed record Country(string CountryCode, string Name, Membership Membership, DateTimeOffset AdmittedAt)
{
    public bool IsMember => Membership == Membership.Member;

    public static Country Admit(string countryCode, string name, Membership? membership, DateTimeOffset now)
    {
        new Validator()
            .CountryCode(countryCode, "country_code")
            .Required(name, "name").MaxLength(name, 100, "name")
            .Check(membership is not null, "membership", "must be MEMBER or REFERENCE")
            .ThrowIfInvalid();
        return new Country(countryCode, name.Trim(), membership!.Value, now);
    }
}
