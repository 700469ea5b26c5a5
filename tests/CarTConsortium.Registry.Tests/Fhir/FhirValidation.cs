using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Xunit;

namespace CarTConsortium.Registry.Tests.Fhir;

/// <summary>
/// The Firely validator over the base R4 profiles of the specification.zip that
/// Hl7.Fhir.Specification.Data.R4 puts beside the tests: offline, one per test run (loading
/// the profiles is the slow part).
/// </summary>
internal static class FhirValidation
{
    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var profiles = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(profiles.AsAsync(), new LocalTerminologyService(profiles.AsAsync()));
    });

    private static readonly Lock Gate = new();

    /// <summary>The errors (and fatal issues) the validator finds in <paramref name="resource"/> against its base profile.</summary>
    public static List<string> Errors(Resource resource)
    {
        OperationOutcome outcome;
        // The validator's caches are built on first use; one validation at a time keeps that simple.
        lock (Gate)
        {
            outcome = Shared.Value.Validate(resource, $"http://hl7.org/fhir/StructureDefinition/{resource.TypeName}");
        }
        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{string.Join(",", i.Expression)}: {i.Details?.Text ?? i.Diagnostics}")];
    }

    public static void AssertValid(Resource resource) => Assert.Empty(Errors(resource));
}
