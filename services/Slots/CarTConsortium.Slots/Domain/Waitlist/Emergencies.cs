using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.Slots.Domain.Waitlist;

/// <summary>
/// An EMERGENCY request goes ahead of every urgent and standard patient, so the hospital
/// says why, in words kept with the booking or waitlist entry for the site and admins to read.
/// </summary>
public static class Emergencies
{
    public const int MinJustificationLength = 10;
    public const int MaxJustificationLength = 1000;
    public const string Field = "emergency_justification";

    /// <summary>The justification, trimmed, for an emergency; null otherwise. A missing, too short or too long one, or one given without an emergency, is a field violation.</summary>
    public static string? CheckJustification(Validator validator, UrgencyClass urgency, string? justification)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var text = justification?.Trim();
        if (urgency != UrgencyClass.Emergency)
        {
            validator.Check(string.IsNullOrEmpty(text), Field, "is only for emergency requests; leave it empty for urgent and standard ones");
            return null;
        }
        validator
            .Check(!string.IsNullOrEmpty(text), Field, $"is required for an emergency request: say why the patient cannot wait ({MinJustificationLength}-{MaxJustificationLength} characters)")
            .Check(string.IsNullOrEmpty(text) || text.Length >= MinJustificationLength, Field, $"must be at least {MinJustificationLength} characters")
            .MaxLength(text, MaxJustificationLength, Field);
        return text;
    }
}
