using CarTConsortium.BuildingBlocks.Eventing;
using CarTConsortium.BuildingBlocks.Storage;
using CarTConsortium.Contracts.Approvals.V1;

namespace CarTConsortium.Slots.Catalogue;

/// <summary>
/// An authorisation as slots keeps it, from approvals' AuthorisationChanged (which carries
/// the whole authorisation): what a booking is checked against without calling approvals.
/// Enum values are kept as their protobuf names.
/// </summary>
public sealed record KnownAuthorisation(
    string AuthorisationId,
    string ProductId,
    string Jurisdiction,
    string Pathway,
    string Status,
    string Indication,
    int MinAgeYears,
    int? MaxAgeYears,
    IReadOnlyList<string> InstitutionIds,
    string? ReferenceAuthorisationId,
    DateOnly? EffectiveOn,
    DateOnly? ExpiresOn,
    long ApprovalsVersion)
{
    public static readonly Collection<KnownAuthorisation> Collection = new("known_authorisations",
        ("product_id", a => a.ProductId),
        ("jurisdiction", a => a.Jurisdiction));
}

public sealed class AuthorisationProjection(IDocumentStore store) : IEventHandler<AuthorisationChanged>
{
    public async Task HandleAsync(AuthorisationChanged integrationEvent, EventContext context, CancellationToken ct)
    {
        if (integrationEvent.Authorisation is not { AuthorisationId.Length: > 0, ProductId.Length: > 0, Jurisdiction.Length: > 0 } a)
        {
            throw new PoisonEventException("AuthorisationChanged carries no authorisation id, product or jurisdiction.");
        }
        var incoming = new KnownAuthorisation(a.AuthorisationId, a.ProductId, a.Jurisdiction,
            ApprovalsEnums.NameOf(a.Pathway), ApprovalsEnums.NameOf(a.Status),
            a.Scope?.Indication ?? "", a.Scope?.MinAgeYears ?? 0, a.Scope is { MaxAgeYears: > 0 } s ? s.MaxAgeYears : null,
            [.. a.Scope?.InstitutionIds ?? []], a.ReferenceAuthorisationId is { Length: > 0 } r ? r : null,
            Day(a.EffectiveOn), Day(a.ExpiresOn), a.Revision?.Version ?? 0);
        await context.UpsertNewerAsync(store, KnownAuthorisation.Collection, incoming.AuthorisationId, incoming, k => k.ApprovalsVersion, ct);
    }

    private static DateOnly? Day(Google.Type.Date? date)
    {
        if (date is null or { Year: 0 })
        {
            return null;
        }
        try
        {
            return new DateOnly(date.Year, date.Month, date.Day);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new PoisonEventException("AuthorisationChanged carries a date that is not a calendar day.");
        }
    }
}
