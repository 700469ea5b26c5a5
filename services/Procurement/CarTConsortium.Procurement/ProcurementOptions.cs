namespace CarTConsortium.Procurement;

/// <summary>Settings of the procurement service ("Procurement" section).</summary>
public sealed class ProcurementOptions
{
    public const string Section = "Procurement";

    /// <summary>
    /// The longest the closing job sleeps. It wakes at the next pool's closing time anyway;
    /// this bounds how late it notices a pool another replica opened.
    /// </summary>
    public TimeSpan ClosingCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
