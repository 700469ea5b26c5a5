namespace CarTConsortium.Approvals.Domain.Authorisations;

/// <summary>One field of an authorisation before and after a change, as text (see <see cref="Authorisation.Diff"/>).</summary>
/// <param name="Field">The contract's field path, e.g. <c>status</c> or <c>scope.indication</c>.</param>
public sealed record FieldChange(string Field, string Before, string After);
