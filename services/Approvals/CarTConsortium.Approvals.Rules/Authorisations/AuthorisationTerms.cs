namespace CarTConsortium.Approvals.Authorisations;

/// <summary>
/// What the usage question needs of an authorisation, and nothing else: approvals takes it
/// from its own record, slots from approvals' AuthorisationChanged (see
/// <see cref="AuthorisationContract.FromContract"/>) and keeps it as a document.
/// </summary>
/// <param name="Jurisdiction">ISO 3166-1 alpha-2 code in upper case, or EU.</param>
/// <param name="ReferenceAuthorisationId">For a reliance: the reference authority's authorisation; null otherwise.</param>
/// <param name="EffectiveOn">The first day it allows use; null until an approval sets it.</param>
/// <param name="ExpiresOn">The last day it allows use; null when it does not expire.</param>
public sealed record AuthorisationTerms(
    string AuthorisationId,
    string ProductId,
    string Jurisdiction,
    Pathway Pathway,
    AuthorisationStatus Status,
    Scope Scope,
    string? ReferenceAuthorisationId,
    DateOnly? EffectiveOn,
    DateOnly? ExpiresOn);
