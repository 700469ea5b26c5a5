using Hl7.Fhir.Model;

namespace CarTConsortium.Registry.Fhir;

/// <summary>One problem (or note) of an import, pointing at the element it is about.</summary>
/// <param name="Expression">A FHIRPath into the submitted bundle, e.g. Bundle.entry[3].resource.valueInteger.</param>
public sealed record ImportIssue(OperationOutcome.IssueSeverity Severity, OperationOutcome.IssueType Code, string Expression, string Message)
{
    public bool IsError => Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal;

    public static ImportIssue Error(OperationOutcome.IssueType code, string expression, string message) =>
        new(OperationOutcome.IssueSeverity.Error, code, expression, message);

    public static OperationOutcome Outcome(IEnumerable<ImportIssue> issues) => new()
    {
        Issue = [.. issues.Select(i => new OperationOutcome.IssueComponent
        {
            Severity = i.Severity,
            Code = i.Code,
            Details = new CodeableConcept { Text = i.Message },
            // An empty string is no valid FHIR string: a problem of the whole request has no expression.
            Expression = i.Expression.Length > 0 ? [i.Expression] : [],
        })],
    };
}
