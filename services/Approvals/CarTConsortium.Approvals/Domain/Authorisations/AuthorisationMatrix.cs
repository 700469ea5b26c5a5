namespace CarTConsortium.Approvals.Domain.Authorisations;

/// <summary>
/// The product x country matrix: rows and columns are what the registry announced, each
/// cell every authorisation of one product in one jurisdiction and whether any of them
/// allows use today.
/// </summary>
public sealed record AuthorisationMatrix(IReadOnlyList<string> ProductIds, IReadOnlyList<string> CountryCodes, IReadOnlyList<AuthorisationMatrix.Cell> Cells)
{
    /// <param name="Entries">In pathway order.</param>
    public sealed record Cell(string ProductId, string CountryCode, IReadOnlyList<Authorisation> Entries, bool UsableToday);

    /// <summary>
    /// One cell per product and jurisdiction that has authorisations, in product then
    /// jurisdiction order (ordinal).
    /// </summary>
    /// <param name="referenceOf">The tracked authorisation with an id, or null: what a reliance relies on.</param>
    public static AuthorisationMatrix Of(IReadOnlyList<string> productIds, IReadOnlyList<string> countryCodes, IEnumerable<Authorisation> authorisations,
        Func<string, Authorisation?> referenceOf, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(authorisations);
        ArgumentNullException.ThrowIfNull(referenceOf);
        var cells = authorisations.GroupBy(a => (a.ProductId, a.Jurisdiction))
            .OrderBy(g => g.Key.ProductId, StringComparer.Ordinal).ThenBy(g => g.Key.Jurisdiction, StringComparer.Ordinal)
            .Select(g => new Cell(g.Key.ProductId, g.Key.Jurisdiction, [.. g.OrderBy(a => a.Pathway)],
                g.Any(a => a.IsUsableOn(today, a.ReferenceAuthorisationId is { } id ? referenceOf(id) : null))))
            .ToList();
        return new AuthorisationMatrix(productIds, countryCodes, cells);
    }
}
