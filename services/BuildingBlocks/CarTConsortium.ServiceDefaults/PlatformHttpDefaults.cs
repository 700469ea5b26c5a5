using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CarTConsortium.ServiceDefaults;

/// <summary>
/// What every app's responses share, ahead of its own middleware: a method no endpoint of the
/// platform takes (CONNECT, TRACE, ...) is answered 405 here rather than reaching a proxy or a
/// route, and no response may be stored by a cache unless it says otherwise (patient and
/// commercial data must not linger in a browser or proxy cache).
/// </summary>
internal sealed class PlatformHttpDefaults : IStartupFilter
{
    private static readonly HashSet<string> Methods = new(StringComparer.OrdinalIgnoreCase)
    {
        HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete, HttpMethods.Options,
    };

    private static readonly string Allowed = string.Join(", ", Methods);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                // Static assets (ETag/Last-Modified) and responses that chose their own caching keep it.
                if (!response.Headers.ContainsKey("Cache-Control") && !response.Headers.ContainsKey("ETag"))
                {
                    response.Headers.CacheControl = "no-store";
                }
                return Task.CompletedTask;
            });
            if (!Methods.Contains(context.Request.Method))
            {
                response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                response.Headers.Allow = Allowed;
                return;
            }
            await nextMiddleware(context);
        });
        next(app);
    };
}
