namespace CarTConsortium.Slots.Domain.Runs;

/// <summary>
/// Which runs a request may be offered (open, with a site country, not started, in the request's window) and
/// how they are found without reading every run ever published for the product. A bookable run is filed under
/// its start month when it starts at most <see cref="NearMonths"/> months after the month it was published in
/// (almost every run), else under its product alone (a run published further ahead). So the near runs still to
/// start lie in the months from now to <see cref="NearMonths"/> (and one for a replica's clock) ahead: a bounded
/// number of buckets, each holding one month of one product's open runs, however long the history.
/// </summary>
public static class BookableRuns
{
    public const int NearMonths = 24;

    /// <summary>The run's start-month bucket, "{product}|{yyyy-MM}"; null unless it is bookable and near.</summary>
    public static string? MonthBucketOf(ManufacturingRun run) =>
        IsBookableKind(run) && !IsFar(run) ? MonthBucket(run.ProductId, Period.Of(run.RunStart)) : null;

    /// <summary>The product, for a bookable run published more than <see cref="NearMonths"/> months ahead; null otherwise.</summary>
    public static string? FarBucketOf(ManufacturingRun run) => IsBookableKind(run) && IsFar(run) ? run.ProductId : null;

    public static string MonthBucket(string productId, string period) => $"{productId}|{period}";

    /// <summary>The start-month buckets that can hold a candidate of a request made on <paramref name="today"/>, earliest first.</summary>
    public static IEnumerable<string> MonthBucketsToRead(string productId, DateOnly? earliest, DateOnly? latest, DateOnly today)
    {
        var from = Period.Start(earliest is { } e && e > today ? e : today);
        var last = Period.Start(today).AddMonths(NearMonths + 1);
        if (latest is { } l && Period.Start(l) < last)
        {
            last = Period.Start(l);
        }
        for (var month = from; month <= last; month = month.AddMonths(1))
        {
            yield return MonthBucket(productId, Period.Of(month));
        }
    }

    /// <summary>
    /// The candidates among <paramref name="runs"/> for a request for <paramref name="productId"/>, optionally at one site and in a
    /// window, earliest first: exactly what a read of all the product's runs would keep.
    /// </summary>
    public static List<T> Select<T>(IEnumerable<T> runs, Func<T, ManufacturingRun> runOf, Func<T, string> idOf, string productId, string? siteId,
        DateOnly? earliest, DateOnly? latest, DateOnly today) =>
        [.. runs
            .Where(r => IsCandidate(runOf(r), productId, siteId, earliest, latest, today))
            .DistinctBy(idOf, StringComparer.Ordinal)
            .OrderBy(r => runOf(r).RunStart).ThenBy(idOf, StringComparer.Ordinal)];

    /// <summary>Whether a run is offered for a request made on <paramref name="today"/>.</summary>
    public static bool IsCandidate(ManufacturingRun run, string productId, string? siteId, DateOnly? earliest, DateOnly? latest, DateOnly today) =>
        run.ProductId == productId && (string.IsNullOrEmpty(siteId) || run.SiteId == siteId)
        && IsBookableKind(run) && run.RunStart >= today
        && (earliest is null || run.RunStart >= earliest) && (latest is null || run.RunStart <= latest);

    // A run published before fair shares existed has no site country and no ledger: it is not offered for booking.
    private static bool IsBookableKind(ManufacturingRun run) => run.IsOpen && run.SiteCountry is { Length: > 0 };

    private static bool IsFar(ManufacturingRun run) =>
        Period.Start(run.RunStart) > Period.Start(ManufacturingRun.Today(run.PublishedAt)).AddMonths(NearMonths);
}
