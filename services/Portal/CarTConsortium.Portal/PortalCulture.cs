using CarTConsortium.Portal.Session;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace CarTConsortium.Portal;

/// <summary>The language switch: a cookie the request localization reads, then back to the page (reloaded, so a circuit starts in it).</summary>
public static class PortalCulture
{
    public const string CookieName = ".cartc.portal.culture";
    public const string Path = "/culture";

    public static void Map(WebApplication app) =>
        app.MapGet(Path, (HttpContext http, string? name, string? returnUrl) =>
        {
            var culture = PortalModule.Cultures.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? PortalModule.Cultures[0];
            http.Response.Cookies.Append(CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                IsEssential = true,
                MaxAge = TimeSpan.FromDays(365),
            });
            return Results.LocalRedirect(SessionEndpoints.LocalOrHome(returnUrl));
        }).AllowAnonymous();

    public static string Link(string culture, string returnUrl) =>
        $"{Path}?name={Uri.EscapeDataString(culture)}&returnUrl={Uri.EscapeDataString(returnUrl)}";
}
