using Microsoft.Playwright;

namespace CarTConsortium.Benchmarks;

/// <summary>One page's samples, or why it has none.</summary>
/// <param name="Path">As loaded (a resolved path for a page that names demo data).</param>
/// <param name="SamplesMs">Navigation start to the page's data shown, each load in milliseconds.</param>
/// <param name="Skipped">Why the page was not measured without that being a failure (it answers 404: not on this build).</param>
/// <param name="Failure">Why the page could not be measured (sign-in, an error status, data never shown).</param>
public sealed record PageResult(PortalPage Page, string Path, IReadOnlyList<double> SamplesMs, string? Skipped = null, string? Failure = null)
{
    private readonly double[] _sorted = [.. SamplesMs.Order()];

    public double Percentile(double p) => Percentiles.NearestRank(_sorted, p);

    public double Max => _sorted.Length == 0 ? double.NaN : _sorted[^1];
}

/// <summary>
/// Loads each portal page in headless Debian Chromium, signed in for real as its demo user, and
/// times navigation start to the page's data shown, after one warm-up load of each page.
/// </summary>
public sealed class PageBenchmark(Uri portal, int samples, Action<string> say)
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>How long one load may take to show its data before the page counts as failed.</summary>
    public const int LoadTimeoutMs = 30_000;

    // Run in the page right after the navigation commits: resolves with performance.now() (milliseconds since
    // the navigation started) at the first DOM change after which the selector matches.
    private const string WatchScript = """
        ([selector, timeout]) => {
            window.__cartcReady = new Promise((resolve, reject) => {
                const shown = () => document.querySelector(selector) !== null;
                if (shown()) { resolve(performance.now()); return; }
                const observer = new MutationObserver(() => {
                    if (shown()) { observer.disconnect(); clearTimeout(timer); resolve(performance.now()); }
                });
                const timer = setTimeout(() => {
                    observer.disconnect();
                    reject(new Error(`${selector} not shown within ${timeout} ms at ${location.pathname}`));
                }, timeout);
                observer.observe(document, { childList: true, subtree: true });
            });
            window.__cartcReady.catch(() => {});
        }
        """;

    public async Task<IReadOnlyList<PageResult>> RunAsync(IReadOnlyList<PortalPage> pages, CancellationToken ct)
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: install Debian's chromium package (apt-get install -y chromium).");
        }
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
        });
        var results = new List<PageResult>();
        foreach (var user in pages.GroupBy(p => p.Who))
        {
            ct.ThrowIfCancellationRequested();
            // One browser profile per user, signed in once; every page of that user's is loaded in it.
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = portal.ToString(),
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
                Locale = "en-GB",
            });
            context.SetDefaultTimeout(LoadTimeoutMs);
            var page = await context.NewPageAsync();
            say($"Signing in as {user.Key.UserName} ({user.Key.Role}) at {user.Key.Provider}...");
            if (await SignInAsync(page, user.Key) is { } signInFailed)
            {
                results.AddRange(user.Select(p => new PageResult(p, p.Path, [], Failure: "sign-in failed: " + signInFailed)));
                say(results[^1].Failure!);
                continue;
            }
            foreach (var target in user)
            {
                results.Add(await MeasureAsync(page, target, ct));
                if ((results[^1].Skipped ?? results[^1].Failure) is { } why)
                {
                    say($"  {target.Path}: {why}");
                }
            }
        }
        return results;
    }

    private async Task<string?> SignInAsync(IPage page, PortalUser who)
    {
        try
        {
            // The portal's country choice, the provider's own login page, then back at the portal.
            await page.GotoAsync("signin");
            await page.Locator($"[data-provider={who.Provider}]").ClickAsync();
            await page.Locator("#username").FillAsync(who.UserName);
            await page.Locator("#password").FillAsync(PortalUser.Password);
            await page.Locator("button[type=submit]").ClickAsync();
            var home = portal.ToString();
            await page.WaitForURLAsync(url => url.StartsWith(home, StringComparison.Ordinal)
                && !url.Contains("/signin", StringComparison.Ordinal) && !url.Contains("/callback", StringComparison.Ordinal));
            return null;
        }
        catch (PlaywrightException e)
        {
            return FirstLine(e.Message);
        }
        catch (TimeoutException e)
        {
            return FirstLine(e.Message);
        }
    }

    private async Task<PageResult> MeasureAsync(IPage page, PortalPage target, CancellationToken ct)
    {
        var path = target.Path;
        try
        {
            if (target.Resolve is not null)
            {
                path = await target.Resolve(page) ?? "";
                if (path.Length == 0)
                {
                    return new PageResult(target, target.Path, [], Failure: "nothing in the demo data to open");
                }
            }
            // Is the page there at all? Asked with the user's cookies but outside the page: Chromium shows
            // a 404 with no body as its own error page, which a navigation reports as a failure.
            var probe = await page.APIRequest.GetAsync(path);
            if (probe.Status == 404)
            {
                return new PageResult(target, path, [], Skipped: "answers 404 (not on this build), skipped");
            }
            say($"  {path} as {target.Who.Role}: warm-up and {samples} samples...");
            // The warm-up load: not measured.
            await LoadAsync(page, path, target);
            var measured = new List<double>(samples);
            for (var i = 0; i < samples; i++)
            {
                ct.ThrowIfCancellationRequested();
                measured.Add(await LoadAsync(page, path, target));
            }
            return new PageResult(target, path, measured);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or InvalidOperationException)
        {
            return new PageResult(target, path, [], Failure: FirstLine(e.Message));
        }
    }

    /// <summary>One load: milliseconds from navigation start to the page's data shown.</summary>
    private static async Task<double> LoadAsync(IPage page, string path, PortalPage target)
    {
        var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        if (response is { Ok: false })
        {
            throw new InvalidOperationException($"answered HTTP {response.Status}");
        }
        await page.EvaluateAsync(WatchScript, new object[] { target.Ready, LoadTimeoutMs });
        if (target.Act is not null)
        {
            await target.Act(page);
        }
        return await page.EvaluateAsync<double>("() => window.__cartcReady");
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
