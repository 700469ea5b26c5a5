using System.Security.Claims;
using CarTConsortium.BuildingBlocks.Security;

namespace CarTConsortium.Registry.Api;

/// <summary>
/// The role-level rule of each FHIR route, as RpcAccess declares one per RPC: the token's
/// scope and the roles that may call it. Which records a caller gets is the use cases' rule.
/// </summary>
public static class FhirAccess
{
    public const string Scope = "registry";

    /// <summary>One patient's bundle: who may call GetPatient.</summary>
    public static readonly IReadOnlySet<string> ExportPatient = new HashSet<string> { Roles.Clinician, Roles.HospitalCoordinator, Roles.ConsortiumAdmin };

    /// <summary>A hospital's bundle: clinicians, who record infusions and outcomes (a coordinator may enrol, through EnrolPatient).</summary>
    public static readonly IReadOnlySet<string> Import = new HashSet<string> { Roles.Clinician };

    /// <summary>The registry in bulk: who may call ListPatients (each gets the records ListPatients gives it; an admin the consortium view).</summary>
    public static readonly IReadOnlySet<string> ExportRegistry = new HashSet<string> { Roles.Clinician, Roles.HospitalCoordinator, Roles.ConsortiumAdmin };

    /// <summary>Null when <paramref name="user"/> may call a route open to <paramref name="roles"/>; else the HTTP status and why.</summary>
    public static (int Status, string Reason)? Refusal(ClaimsPrincipal user, IReadOnlySet<string> roles)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(roles);
        if (user.Identity?.IsAuthenticated != true)
        {
            return (401, "A valid access token is required.");
        }
        var scopes = user.FindAll(PlatformClaims.Scope).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (!scopes.Contains(Scope, StringComparer.Ordinal))
        {
            return (403, $"The access token was not issued for the '{Scope}' scope.");
        }
        return roles.Overlaps(Caller.FromClaims(user).Roles) ? null : (403, "Your role may not perform this operation.");
    }
}
