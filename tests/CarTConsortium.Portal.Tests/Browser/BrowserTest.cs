using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using CarTConsortium.Contracts.Registry.V1;
using Microsoft.Playwright;
using Xunit;

namespace CarTConsortium.Portal.Tests.Browser;

/// <summary>What every browser test does: sign in on a country's real login page, and keep a screenshot when it fails.</summary>
public abstract class BrowserTest(PortalPlatform portal)
{
    public const string Password = "demo-password";

    /// <summary>Where a failing test leaves its screenshot: screenshots/ beside the test assembly.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    protected PortalPlatform Portal { get; } = portal;

    /// <summary>Runs a test's steps in a new browser profile; on failure saves screenshots/&lt;test&gt;.png and rethrows.</summary>
    protected async Task InBrowserAsync(Func<IPage, Task> steps, [CallerMemberName] string test = "")
    {
        var page = await Portal.NewPageAsync();
        try
        {
            await steps(page);
        }
        catch
        {
            Directory.CreateDirectory(ScreenshotFolder);
            var file = Path.Combine(ScreenshotFolder, test + ".png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot of the failure: {file}");
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>From the portal's country choice, through the provider's login page, back to the portal.</summary>
    protected async Task SignInAsync(IPage page, string provider, string userName)
    {
        await page.Locator($"[data-provider={provider}]").ClickAsync();
        await page.Locator("#username").FillAsync(userName);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("button[type=submit]").ClickAsync();
        // Back at the portal, past its sign-in pages (polled: the redirects' load events are not awaited).
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Portal.Portal.ToString()) + "(?!signin)"));
    }

    /// <summary>
    /// A new child with relapsed CD19-positive B-ALL, enrolled at the Astana children's hospital by its
    /// clinical records system (client credentials), for a test's own booking; returns the pseudonym.
    /// </summary>
    protected async Task<string> EnrolKzPatientAsync(string prefix)
    {
        var clinician = new RegistryService.RegistryServiceClient(await Portal.AsClientAsync("identity-kz", "kz-astana-childrens-emr"));
        var patient = await clinician.EnrolPatientAsync(new EnrolPatientRequest
        {
            NationalId = prefix + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
            TreatingInstitutionId = "kz-astana-childrens",
            BirthYear = 2016,
            BirthMonth = 5,
            Sex = Sex.Female,
            Diagnosis = new Diagnosis { DiseaseStatus = DiseaseStatus.Relapsed, Cd19Status = Cd19Status.Positive, PriorLines = 2 },
            Consents = new Consents { Registry = true },
        });
        return patient.Pseudonym;
    }

    /// <summary>
    /// Where a page's picture for the README goes: into the repository's docs/images when
    /// CARTC_README_PICTURES=1 (to renew them), otherwise beside the test output, so that an
    /// ordinary test run leaves the working tree as it was.
    /// </summary>
    protected static string ReadmePicture(string name)
    {
        var folder = Environment.GetEnvironmentVariable("CARTC_README_PICTURES") == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "images")
            : Path.Combine(AppContext.BaseDirectory, "pictures");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CarTConsortium.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("CarTConsortium.sln not found above " + AppContext.BaseDirectory);
    }
}
