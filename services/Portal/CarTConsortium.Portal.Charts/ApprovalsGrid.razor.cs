using System.Text;
using CarTConsortium.Contracts.Approvals.V1;
using Microsoft.AspNetCore.Components;

namespace CarTConsortium.Portal.Charts;

/// <summary>
/// The approvals matrix as a product x country grid: each cell lists its authorisations with the
/// status in words (coloured too, never by colour alone) and says whether the product is usable
/// there today.
/// </summary>
public partial class ApprovalsGrid
{
    private readonly string _id = "ct-approvals-" + Guid.NewGuid().ToString("N")[..8];
    private Dictionary<(string Product, string Country), MatrixCell> _cells = [];

    /// <summary>The approvals service's answer to GetMatrix.</summary>
    [Parameter, EditorRequired]
    public Matrix Matrix { get; set; } = new();

    /// <summary>Product names by product id, for the rows (the id is shown without).</summary>
    [Parameter]
    public IReadOnlyDictionary<string, string>? ProductNames { get; set; }

    /// <summary>When set, every authorisation is a button that reports its id (e.g. to open its history).</summary>
    [Parameter]
    public EventCallback<string> OnAuthorisationSelected { get; set; }

    /// <summary>Every status a legend explains, in lifecycle order.</summary>
    internal static readonly AuthorisationStatus[] LegendStatuses =
        Enum.GetValues<AuthorisationStatus>().Where(s => s != AuthorisationStatus.Unspecified).ToArray();

    protected override void OnParametersSet()
    {
        _cells = Matrix.Cells
            .GroupBy(c => (c.ProductId, c.CountryCode))
            .ToDictionary(g => g.Key, g => g.Last());
    }

    private MatrixCell? Cell(string product, string country) => _cells.GetValueOrDefault((product, country));

    private string ProductName(string product) =>
        ProductNames is not null && ProductNames.TryGetValue(product, out var name) ? name : product;

    private string StatusText(AuthorisationStatus status) => L["Status" + status];

    private string PathwayText(Pathway pathway) => L["Pathway" + pathway];

    /// <summary>"ct-status-conditionally-approved": a CSS class from the status's name.</summary>
    internal static string StatusClass(AuthorisationStatus status)
    {
        var name = status.ToString();
        var css = new StringBuilder("ct-status-");
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                css.Append('-');
            }
            css.Append(char.ToLowerInvariant(name[i]));
        }
        return css.ToString();
    }

    private string EntryLabel(MatrixEntry entry)
    {
        var label = StatusText(entry.Status) + ", " + PathwayText(entry.Pathway);
        return entry.ExpiresOn is null ? label : label + ", " + L["ExpiresOn", Figures.Date(entry.ExpiresOn)];
    }

    private Task Select(string authorisationId) => OnAuthorisationSelected.InvokeAsync(authorisationId);
}
