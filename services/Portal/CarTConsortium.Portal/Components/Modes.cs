using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace CarTConsortium.Portal.Components;

public static class Modes
{
    /// <summary>
    /// Interactive on the server, prerendered: the prerender gives the page its title and shell at
    /// once, but loads no data (pages check RendererInfo.IsInteractive), or every call would be made
    /// twice, and a patient list read is written to the registry's access log each time. Forms stay
    /// disabled until the page is interactive, so nothing typed before then is lost.
    /// </summary>
    public static readonly IComponentRenderMode Interactive = new InteractiveServerRenderMode(prerender: true);
}
