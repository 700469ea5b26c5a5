using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using CarTConsortium.BuildingBlocks.Security;
using CarTConsortium.Registry.Api;
using CarTConsortium.Registry.Fhir;
using CarTConsortium.Registry.Tests.UseCases;
using CarTConsortium.Registry.UseCases.Fhir;
using CarTConsortium.ServiceDefaults.Security;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;
using Claim = System.Security.Claims.Claim;
using Task = System.Threading.Tasks.Task;

namespace CarTConsortium.Registry.Tests.Fhir;

/// <summary>The FHIR routes over HTTP, in process: statuses, media types and each route's rule.</summary>
public sealed class FhirRouteTests : IAsyncLifetime
{
    private RegistryWorld _world = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        _world = await CreateAsync();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseTestServer();
        builder.Services.AddRouting();
        builder.Services.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(FederatedAuthentication.Policy, p => p.AddAuthenticationSchemes(HeaderAuthentication.SchemeName).RequireAuthenticatedUser());
        builder.Services.AddSingleton(new ExportPatientFhir(_world.GetPatient, _world.Clock));
        builder.Services.AddSingleton(new ExportRegistryFhir(_world.ListPatients, _world.Clock));
        builder.Services.AddSingleton(new ImportFhirBundle(_world.Store, _world.Clock, _world.Pseudonymiser, _world.EnrolPatient, _world.RecordInfusion, _world.RecordOutcome, _world.GetProduct,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ImportFhirBundle>.Instance));
        _app = builder.Build();
        _app.UseRouting();
        _app.UseAuthentication();
        _app.UseAuthorization();
        FhirEndpoints.Map(_app);
        await _app.StartAsync();
        _http = _app.GetTestClient();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _world.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string? MediaType, string Body)> SendAsync(HttpMethod method, string path, Caller? caller, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (caller is not null)
        {
            request.Headers.Add(HeaderAuthentication.Header, $"{string.Join(',', caller.Roles)}|{caller.Country}|{caller.Org}");
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, FhirJson.MediaType);
        }
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static T Parse<T>(string json) where T : Resource => JsonSerializer.Deserialize<T>(json, FhirJson.Options)!;

    [Fact]
    public async Task A_patient_is_served_as_fhir_json_to_who_may_read_it_only()
    {
        var record = await ClinicalHistory.RecordAsync(_world);
        var path = $"/fhir/Patient/{record.Id}/$everything?purpose=TREATMENT&justification=ward%20round";

        var read = await SendAsync(HttpMethod.Get, path, AstanaClinician);
        var officer = await SendAsync(HttpMethod.Get, path, Testing.Callers.Of(Roles.RegulatoryOfficer, "KZ", null));
        var anonymous = await SendAsync(HttpMethod.Get, path, null);
        var noPurpose = await SendAsync(HttpMethod.Get, $"/fhir/Patient/{record.Id}/$everything", AstanaClinician);

        Assert.Equal((HttpStatusCode.OK, FhirJson.MediaType), (read.Status, read.MediaType));
        FhirValidation.AssertValid(Parse<Bundle>(read.Body));
        Assert.Equal(HttpStatusCode.Forbidden, officer.Status);
        Assert.Equal(OperationOutcome.IssueType.Forbidden, Parse<OperationOutcome>(officer.Body).Issue[0].Code);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.BadRequest, noPurpose.Status);
        Assert.Equal("purpose", Parse<OperationOutcome>(noPurpose.Body).Issue[0].Expression.Single());
        Assert.Single(await _world.AccessLogAsync());
    }

    [Fact]
    public async Task A_purpose_list_is_refused_naming_purpose_and_logs_nothing()
    {
        var record = await ClinicalHistory.RecordAsync(_world);

        // Enum.TryParse would OR these into a purpose that passes the research-consent check.
        var listed = await SendAsync(HttpMethod.Get, $"/fhir/Patient/{record.Id}/$everything?purpose=research,quality_review&justification=x", AstanaClinician);
        var bulk = await SendAsync(HttpMethod.Get, "/fhir/$export?purpose=research,quality_review&justification=x", Admin);

        Assert.All([listed, bulk], answer =>
        {
            Assert.Equal((HttpStatusCode.BadRequest, FhirJson.MediaType), (answer.Status, answer.MediaType));
            var issue = Assert.Single(Parse<OperationOutcome>(answer.Body).Issue);
            Assert.Equal(("purpose", OperationOutcome.IssueType.Invalid), (issue.Expression.Single(), issue.Code));
        });
        Assert.Empty(await _world.AccessLogAsync());
    }

    [Fact]
    public async Task An_import_answers_an_operation_outcome_and_a_broken_body_names_the_element()
    {
        var broken = await SendAsync(HttpMethod.Post, "/fhir", AstanaClinician,
            """{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","birthDate":"not a date"}}]}""");
        var byCoordinator = await SendAsync(HttpMethod.Post, "/fhir", AstanaCoordinator, """{"resourceType":"Bundle","type":"collection"}""");

        Assert.Equal((HttpStatusCode.BadRequest, FhirJson.MediaType), (broken.Status, broken.MediaType));
        Assert.Contains(Parse<OperationOutcome>(broken.Body).Issue, i => i.Expression.Single()?.Contains("birthDate", StringComparison.Ordinal) == true);
        Assert.Equal(HttpStatusCode.Forbidden, byCoordinator.Status);
        Assert.Empty(await _world.AllPatientsAsync());
    }

    [Fact]
    public async Task The_bulk_export_is_ndjson_of_bundles()
    {
        await _world.EnrolAsync(AstanaClinician, "KZ-0101-2015-31", consents: Shared);
        await _world.EnrolAsync(AstanaClinician, "KZ-0101-2015-32", consents: Shared);

        var bulk = await SendAsync(HttpMethod.Get, "/fhir/$export?purpose=QUALITY_REVIEW&justification=release", Admin);
        var named = await SendAsync(HttpMethod.Get, "/fhir/$export?purpose=QUALITY_REVIEW&justification=release&release=2026-03", Admin);

        Assert.Equal((HttpStatusCode.OK, FhirJson.NdjsonMediaType), (bulk.Status, bulk.MediaType));
        var lines = bulk.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => FhirValidation.AssertValid(Parse<Bundle>(line)));
        Assert.Equal(HttpStatusCode.BadRequest, named.Status);
    }

    /// <summary>A token's claims from one header (roles|country|org), with the registry scope: the rule under test is the route's, not token validation.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "test";
        public const string Header = "x-test-caller";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(Header, out var value))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }
            var parts = value.ToString().Split('|');
            var claims = parts[0].Split(',').Select(r => new Claim(PlatformClaims.Role, r)).ToList();
            claims.Add(new Claim(PlatformClaims.Scope, "registry"));
            claims.Add(new Claim(PlatformClaims.Subject, "test"));
            if (parts[1].Length > 0)
            {
                claims.Add(new Claim(PlatformClaims.Country, parts[1]));
            }
            if (parts[2].Length > 0)
            {
                claims.Add(new Claim(PlatformClaims.Org, parts[2]));
            }
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
        }
    }
}
