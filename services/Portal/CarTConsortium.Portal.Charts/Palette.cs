namespace CarTConsortium.Portal.Charts;

/// <summary>
/// Series styles: Okabe-Ito colours (told apart with the common colour-vision deficiencies) and a
/// dash pattern each, so that colour is never the only thing that tells two curves apart.
/// </summary>
internal static class Palette
{
    private static readonly string[] Colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
    private static readonly string[] Dashes = ["none", "8 4", "2 3", "10 3 2 3"];

    public static string Colour(int index) => Colours[index % Colours.Length];

    public static string Dash(int index) => Dashes[index % Dashes.Length];
}
