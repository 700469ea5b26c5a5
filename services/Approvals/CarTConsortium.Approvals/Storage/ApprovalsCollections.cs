using System.Globalization;
using CarTConsortium.Approvals.Authorisations;
using CarTConsortium.Approvals.Domain.Authorisations;
using CarTConsortium.Approvals.ReadModels;
using CarTConsortium.BuildingBlocks.Storage;

namespace CarTConsortium.Approvals.Storage;

/// <summary>Every collection approvals keeps, the keys its queries filter on, and how history documents are named.</summary>
public static class ApprovalsCollections
{
    /// <summary>By <see cref="Authorisation.AuthorisationId"/>; keys in <see cref="AuthorisationKeys"/>.</summary>
    public static readonly Collection<Authorisation> Authorisations = new("authorisations",
        (AuthorisationKeys.ProductId, a => a.ProductId),
        (AuthorisationKeys.Jurisdiction, a => a.Jurisdiction),
        (AuthorisationKeys.Pathway, a => a.Pathway.ToString()),
        (AuthorisationKeys.Status, a => a.Status.ToString()),
        (AuthorisationKeys.RenewalMonth, AuthorisationKeys.RenewalMonthOf),
        (AuthorisationKeys.ExpiryDay, AuthorisationKeys.ExpiryDayOf));

    /// <summary>By <see cref="HistoryIdOf"/>; filtered by <see cref="AuthorisationKeys.AuthorisationId"/>.</summary>
    public static readonly Collection<AuthorisationChange> History = new("authorisation_history",
        (AuthorisationKeys.AuthorisationId, c => c.AuthorisationId));

    /// <summary>How far the expiry job got (one document, <see cref="ExpirySweep.Id"/>): later rounds read only the expiry days since.</summary>
    public static readonly Collection<ExpirySweep> ExpirySweeps = new("expiry_sweeps");

    public static readonly Collection<KnownProduct> KnownProducts = new("known_products");

    public static readonly Collection<KnownCountry> KnownCountries = new("known_countries");

    public static readonly Collection<KnownInstitution> KnownInstitutions = new("known_institutions");

    /// <summary>Ids sort by revision within an authorisation, so keyset paging reads the history in order.</summary>
    public static string HistoryIdOf(string authorisationId, long revision) =>
        string.Create(CultureInfo.InvariantCulture, $"{authorisationId}#{revision:D8}");
}

/// <summary>The keys authorisations (and their history) are filtered on; pathway and status by enum name (e.g. <c>Approved</c>).</summary>
public static class AuthorisationKeys
{
    public const string AuthorisationId = "authorisation_id";
    public const string ProductId = "product_id";
    public const string Jurisdiction = "jurisdiction";
    public const string Pathway = "pathway";
    public const string Status = "status";

    /// <summary>An approval's expiry month (<c>yyyy-MM</c>), so renewals due read only the months in range; none for other statuses or no expiry.</summary>
    public const string RenewalMonth = "renewal_month";

    public static string? RenewalMonthOf(Authorisation authorisation) =>
        AuthorisationStanding.IsApproval(authorisation.Status) && authorisation.ExpiresOn is { } last ? MonthOf(last) : null;

    /// <summary>The last day (<c>yyyy-MM-dd</c>) of an authorisation that expires once it has passed (<see cref="Authorisation.IsDueToExpire"/>); none otherwise.</summary>
    public const string ExpiryDay = "expiry_day";

    public static string? ExpiryDayOf(Authorisation authorisation) =>
        authorisation.ExpiresOn is { } last && authorisation.IsDueToExpire(last.AddDays(1)) ? DayOf(last) : null;

    public static string DayOf(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string MonthOf(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
