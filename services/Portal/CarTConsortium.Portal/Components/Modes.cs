using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace CarTConsortium.Portal.Components;

public static class Modes
{
    /// <summary>
    /// Interactive on the server, without prerendering: a prerender would make every call twice,
    /// and a patient list read is written to the registry's access log each time.
    /// </summary>
    public static readonly IComponentRenderMode Interactive = new InteractiveServerRenderMode(prerender: false);
}
