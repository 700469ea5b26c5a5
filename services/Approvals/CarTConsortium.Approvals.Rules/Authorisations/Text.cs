using System.Globalization;
using System.Text;

namespace CarTConsortium.Approvals.Authorisations;

/// <summary>How the authorisation domain writes values as text: for messages, reasons and the history.</summary>
internal static class Text
{
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The day, or empty text for none.</summary>
    public static string Day(DateOnly? day) => day is { } value ? Day(value) : "";

    /// <summary>The number, or empty text for none.</summary>
    public static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    public static string Instant(DateTimeOffset instant) => instant.ToString("O", CultureInfo.InvariantCulture);

    public static string ContractName(Authority value) => "AUTHORITY_" + Snake(value.ToString());

    public static string ContractName(Pathway value) => "PATHWAY_" + Snake(value.ToString());

    public static string ContractName(AuthorisationStatus value) => "AUTHORISATION_STATUS_" + Snake(value.ToString());

    /// <summary>A C# enum member name as the contract writes it: ConditionallyApproved becomes CONDITIONALLY_APPROVED.</summary>
    public static string Snake(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsAsciiLetterUpper(pascal[i]))
            {
                text.Append('_');
            }
            text.Append(char.ToUpperInvariant(pascal[i]));
        }
        return text.ToString();
    }

    /// <summary>A C# enum member name as words: ConditionallyApproved becomes "conditionally approved".</summary>
    public static string Words(string pascal) => Snake(pascal).Replace('_', ' ').ToLowerInvariant();
}
