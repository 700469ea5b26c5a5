using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.Authorisations;

// Numbered as in consortium.approvals.v1, so the mapping is a checked cast.
public enum Authority { Fda = 1, Ema = 2, Pmda = 3, Mfds = 4, Nmpa = 5, Cdsco = 6, National = 7 }

public enum Pathway
{
    MarketingAuthorisation = 1,
    Conditional = 2,
    BreakthroughDesignation = 3,
    HospitalExemption = 4,
    CompassionateUse = 5,
    ClinicalTrial = 6,
    Reliance = 7,
}

public enum AuthorisationStatus
{
    Planned = 1,
    Submitted = 2,
    UnderReview = 3,
    Approved = 4,
    ConditionallyApproved = 5,
    Rejected = 6,
    Withdrawn = 7,
    Suspended = 8,
    Expired = 9,
}

/// <summary>One product's authorisation in one jurisdiction under one pathway.</summary>
public sealed record Authorisation(
    string AuthorisationId,
    string ProductId,
    string Jurisdiction,
    Authority Authority,
    Pathway Pathway,
    AuthorisationStatus Status,
    DateTimeOffset RecordedAt)
{
    public static readonly Collection<Authorisation> Collection = new("authorisations",
        ("product_id", a => a.ProductId), ("jurisdiction", a => a.Jurisdiction));

    /// <summary>
    /// Starts tracking an authorisation in the PLANNED status. Its id is derived from
    /// product, jurisdiction and pathway, so the same triple cannot be tracked twice.
    /// </summary>
    public static Authorisation Record(string productId, string jurisdiction, Authority? authority, Pathway? pathway, DateTimeOffset now)
    {
        new Validator()
            .Slug(productId, "product_id")
            .Check(jurisdiction == "EU" || (jurisdiction.Length == 2 && jurisdiction.All(char.IsAsciiLetterUpper)), "jurisdiction",
                "must be an ISO 3166-1 alpha-2 code in upper case (e.g. KZ) or EU")
            .Check(authority is not null, "authority", "must be one of the listed authorities")
            .Check(pathway is not null, "pathway", "must be one of the listed pathways")
            .ThrowIfInvalid();
        var id = $"{productId}.{jurisdiction.ToUpperInvariant()}.{pathway}";
        return new Authorisation(id, productId, jurisdiction, authority!.Value, pathway!.Value, AuthorisationStatus.Planned, now);
    }
}
