using System.Text;
using System.Text.Json;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Domain.AccessLog;
using CarTConsortium.Registry.Fhir;
using CarTConsortium.Registry.UseCases.Fhir;
using CarTConsortium.Registry.UseCases.Patients;
using CarTConsortium.ServiceDefaults.Security;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;

namespace CarTConsortium.Registry.Api;

/// <summary>
/// The registry's FHIR R4 routes (application/fhir+json; the gateway routes /fhir/** here). They
/// only map: HTTP to the use cases, their answers and refusals to FHIR resources and statuses.
/// </summary>
public static class FhirEndpoints
{
    public const string PatientPath = "/fhir/Patient/{pseudonym}/$everything";
    public const string ImportPath = "/fhir";
    public const string BulkPath = "/fhir/$export";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(PatientPath, ExportPatientAsync).AddEndpointFilter(Rule(FhirAccess.ExportPatient)).RequireAuthorization(FederatedAuthentication.Policy);
        app.MapPost(ImportPath, ImportAsync).AddEndpointFilter(Rule(FhirAccess.Import)).RequireAuthorization(FederatedAuthentication.Policy);
        app.MapGet(BulkPath, ExportRegistryAsync).AddEndpointFilter(Rule(FhirAccess.ExportRegistry)).RequireAuthorization(FederatedAuthentication.Policy);
    }

    /// <summary>The route's role-level rule, checked before it runs (as RpcAccessInterceptor does for RPCs).</summary>
    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Rule(IReadOnlySet<string> roles) => async (context, next) =>
        FhirAccess.Refusal(context.HttpContext.User, roles) is { } refusal
            ? Fhir(Problem(refusal.Status == 401 ? IssueType.Login : IssueType.Forbidden, "", refusal.Reason), refusal.Status)
            : await next(context);

    private static async Task<IResult> ExportPatientAsync(string pseudonym, string? purpose, string? justification, HttpContext http, ExportPatientFhir export)
    {
        if (UnknownPurpose(purpose) is { } unknown)
        {
            return unknown;
        }
        try
        {
            var bundle = await export.ExecuteAsync(new GetPatientCommand(pseudonym, Purpose(purpose), justification), Caller.FromClaims(http.User), http.RequestAborted);
            return Fhir(bundle, StatusCodes.Status200OK);
        }
        catch (Exception e) when (Refused(e) is { } refused)
        {
            return refused;
        }
    }

    private static async Task<IResult> ImportAsync(HttpContext http, ImportFhirBundle import)
    {
        Bundle bundle;
        try
        {
            bundle = await JsonSerializer.DeserializeAsync<Bundle>(http.Request.Body, FhirJson.Options, http.RequestAborted)
                ?? throw new JsonException("The body is empty.");
        }
        catch (DeserializationFailedException e)
        {
            // Every element the parser could not read, each where it is.
            return Fhir(ImportIssue.Outcome(e.Exceptions.Select(x => ImportIssue.Error(IssueType.Structure, x is Hl7.Fhir.Utility.ExtendedCodedException { InstancePath: { } at } ? at : "Bundle", x.Message))), 400);
        }
        catch (JsonException e)
        {
            return Fhir(Problem(IssueType.Structure, "Bundle", "The body is not a FHIR JSON Bundle: " + e.Message), 400);
        }
        try
        {
            var result = await import.ExecuteAsync(bundle, Caller.FromClaims(http.User), http.RequestAborted);
            var status = result.Applied ? StatusCodes.Status200OK
                : result.Failed ? StatusCodes.Status500InternalServerError
                : result.ChangedSomething ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            return Fhir(result.Outcome, status);
        }
        catch (Exception e) when (Refused(e) is { } refused)
        {
            return refused;
        }
    }

    /// <summary>NDJSON, one patient's Bundle a line, written page by page as the use case reads them.</summary>
    private static async Task<IResult> ExportRegistryAsync(string? purpose, string? justification, string? release, HttpContext http, ExportRegistryFhir export)
    {
        if (UnknownPurpose(purpose) is { } unknown)
        {
            return unknown;
        }
        var bundles = export.ExecuteAsync(new ExportRegistryFhirCommand(Purpose(purpose), justification, release), Caller.FromClaims(http.User), http.RequestAborted);
        var lines = bundles.GetAsyncEnumerator(http.RequestAborted);
        bool any;
        try
        {
            // The first page decides the status: a refusal is an OperationOutcome, not a broken stream.
            any = await lines.MoveNextAsync();
        }
        catch (Exception e) when (Refused(e) is { } refused)
        {
            await lines.DisposeAsync();
            return refused;
        }
        return Results.Stream(async body =>
        {
            await using (lines)
            {
                for (var more = any; more; more = await lines.MoveNextAsync())
                {
                    await body.WriteAsync(Encoding.UTF8.GetBytes(FhirJson.Serialize(lines.Current) + "\n"), http.RequestAborted);
                }
            }
        }, FhirJson.NdjsonMediaType);
    }

    /// <summary>The purposes by the names the REST API accepts (ACCESS_PURPOSE_QUALITY_REVIEW), and without the prefix (QUALITY_REVIEW).</summary>
    private static readonly Dictionary<string, AccessPurpose> PurposeNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["TREATMENT"] = AccessPurpose.Treatment,
        ["FOLLOW_UP"] = AccessPurpose.FollowUp,
        ["BOOKING"] = AccessPurpose.Booking,
        ["QUALITY_REVIEW"] = AccessPurpose.QualityReview,
        ["RESEARCH"] = AccessPurpose.Research,
    };

    /// <summary>
    /// The request's purpose by exact name (any case); null when missing or unknown. Never Enum.TryParse:
    /// it reads "research,quality_review" as both flags OR-ed together, a purpose that does not exist.
    /// </summary>
    public static AccessPurpose? Purpose(string? text)
    {
        var name = text ?? "";
        if (name.StartsWith("ACCESS_PURPOSE_", StringComparison.OrdinalIgnoreCase))
        {
            name = name["ACCESS_PURPOSE_".Length..];
        }
        return PurposeNames.TryGetValue(name, out var purpose) ? purpose : null;
    }

    /// <summary>A purpose given but not one of the names: refused here, so the use case's "is required" does not mislead.</summary>
    private static IResult? UnknownPurpose(string? text) => string.IsNullOrEmpty(text) || Purpose(text) is not null
        ? null
        : Fhir(Problem(IssueType.Invalid, "purpose", $"purpose '{text}' is not one of TREATMENT, FOLLOW_UP, BOOKING, QUALITY_REVIEW or RESEARCH"), StatusCodes.Status400BadRequest);

    private static IResult? Refused(Exception e) => e switch
    {
        InvalidArgumentException invalid => Fhir(ImportIssue.Outcome(invalid.Violations.Select(v => ImportIssue.Error(IssueType.Invalid, v.Field, $"{v.Field} {v.Description}"))), 400),
        PermissionDeniedException denied => Fhir(Problem(IssueType.Forbidden, "", denied.Message), 403),
        NotFoundException missing => Fhir(Problem(IssueType.NotFound, "", missing.Message), 404),
        _ => null,
    };

    private static OperationOutcome Problem(IssueType code, string expression, string message) =>
        ImportIssue.Outcome([ImportIssue.Error(code, expression, message)]);

    private static IResult Fhir(Resource resource, int status) => Results.Text(FhirJson.Serialize(resource), FhirJson.MediaType, Encoding.UTF8, status);
}
