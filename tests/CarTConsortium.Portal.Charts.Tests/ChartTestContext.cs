using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace CarTConsortium.Portal.Charts.Tests;

/// <summary>A bUnit context with the portal's localization, rendering in a culture the test names.</summary>
public abstract class ChartTestContext : BunitContext
{
    protected ChartTestContext()
    {
        Services.AddLocalization();
    }

    protected IRenderedComponent<TComponent> RenderIn<TComponent>(string culture, Action<ComponentParameterCollectionBuilder<TComponent>> parameters)
        where TComponent : IComponent
    {
        var (previous, previousUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            return Render(parameters);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (previous, previousUi);
        }
    }
}
