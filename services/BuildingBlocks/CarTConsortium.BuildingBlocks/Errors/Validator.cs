using System.Text.RegularExpressions;

namespace CarTConsortium.BuildingBlocks.Errors;

/// <summary>
/// Collects every field violation of a request, so the caller learns all of them at once,
/// then throws one <see cref="InvalidArgumentException"/>.
/// </summary>
public sealed partial class Validator
{
    private readonly List<FieldViolation> _violations = [];

    public bool IsValid => _violations.Count == 0;

    public Validator Check(bool condition, string field, string description)
    {
        if (!condition)
        {
            _violations.Add(new FieldViolation(field, description));
        }
        return this;
    }

    public Validator Required(string? value, string field) =>
        Check(!string.IsNullOrWhiteSpace(value), field, "is required");

    public Validator MaxLength(string? value, int max, string field) =>
        Check(value is null || value.Length <= max, field, $"must be at most {max} characters");

    /// <summary>A stable, URL-safe identifier: lower-case letters, digits and dashes.</summary>
    public Validator Slug(string? value, string field) =>
        Check(value is not null && SlugPattern().IsMatch(value), field,
            "must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit");

    /// <summary>An ISO 3166-1 alpha-2 country code in upper case.</summary>
    public Validator CountryCode(string? value, string field) =>
        Check(value is not null && CountryPattern().IsMatch(value), field,
            "must be an ISO 3166-1 alpha-2 code in upper case, e.g. KZ");

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new InvalidArgumentException(_violations.ToArray());
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,62}\z")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^[A-Z]{2}\z")]
    private static partial Regex CountryPattern();
}
