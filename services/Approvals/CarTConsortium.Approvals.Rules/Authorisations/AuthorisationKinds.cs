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
