using System.Text;
using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Contracts.Registry.V1;
using CarTConsortium.Contracts.Slots.V1;
using CarTConsortium.ServiceDefaults.Security;
using CarTConsortium.ServiceDefaults.Transcoding;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.ServiceDefaults.Tests;

/// <summary>
/// The rules behind issue 15's edge fixes, without a running app: a token's lifetime, the
/// characters refused in text, where in a request message they are found, why a REST body
/// cannot become its message, and how a gRPC caller is told it is not allowed.
/// </summary>
public sealed class EdgeRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Max = TimeSpan.FromHours(1);

    public static TheoryData<string, int?, int?, int?, Type?> Lifetimes() => new()
    {
        // name, iat, nbf, exp (minutes from now), the refusal (null: accepted)
        { "a provider's 15-minute token", -1, -1, 14, null },
        { "iat within the skew", 1, null, 15, null },
        { "exactly the bound", 0, 0, 60, null },
        { "no iat or nbf, 45 minutes left", null, null, 45, null },
        { "iat ten years ahead", 10 * 525_600, -1, 10, typeof(TokenIssuedInFutureException) },
        { "iat two minutes ahead", 2, null, 10, typeof(TokenIssuedInFutureException) },
        { "nbf ahead", null, 10, 30, typeof(SecurityTokenNotYetValidException) },
        { "exp fifty years ahead", -1, -1, 50 * 525_600, typeof(TokenLifetimeTooLongException) },
        { "a two-hour token", 0, 0, 120, typeof(TokenLifetimeTooLongException) },
        { "an old iat with a long exp", -600, null, 30, typeof(TokenLifetimeTooLongException) },
        { "no iat or nbf, two hours left", null, null, 120, typeof(TokenLifetimeTooLongException) },
        { "expired", -30, -30, -10, typeof(SecurityTokenExpiredException) },
        { "no expiry", -1, -1, null, typeof(SecurityTokenNoExpirationException) },
    };

    [Theory]
    [MemberData(nameof(Lifetimes))]
    public void A_tokens_lifetime_is_bounded(string name, int? iat, int? nbf, int? exp, Type? refusal)
    {
        DateTime? At(int? minutes) => minutes is { } m ? Now.AddMinutes(m) : null;
        var check = () => TokenLifetimeRule.Check(At(nbf), At(iat), At(exp), Now, Skew, Max);
        if (refusal is null)
        {
            check();
            return;
        }
        var error = Record.Exception(check);
        Assert.True(error?.GetType() == refusal, $"{name}: {error?.GetType().Name ?? "accepted"}, not {refusal.Name}");
    }

    [Fact]
    public void Each_lifetime_refusal_is_counted_under_a_reason_of_its_own()
    {
        Assert.Equal(RejectionReasons.IssuedInFuture, RejectionReasons.Of(new TokenIssuedInFutureException(Now)));
        Assert.Equal(RejectionReasons.LifetimeTooLong, RejectionReasons.Of(new TokenLifetimeTooLongException(Max * 2, Max)));
        Assert.Equal(RejectionReasons.NotYetValid, RejectionReasons.Of(new SecurityTokenNotYetValidException()));
        Assert.Equal(RejectionReasons.MetadataUnavailable, RejectionReasons.Of(new IssuerUnavailableException("https://id.example/", Skew, null)));
    }

    public static TheoryData<int> UnsafeCharacters()
    {
        var data = new TheoryData<int>();
        foreach (var c in Enumerable.Range(0, 0x20).Where(c => c is not ('\t' or '\n' or '\r'))
            .Concat(Enumerable.Range(0x7F, 0x21)).Concat(Enumerable.Range(0x200B, 5)).Concat(Enumerable.Range(0x202A, 5))
            .Concat(Enumerable.Range(0x2060, 5)).Concat(Enumerable.Range(0x2066, 4)).Concat([0x061C, 0xFEFF]))
        {
            data.Add(c);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(UnsafeCharacters))]
    public void A_control_bidi_or_invisible_character_is_unsafe(int code)
    {
        var text = "Astana " + (char)code + "hospital";
        Assert.Equal(7, UnsafeText.FirstUnsafe(text));
        Assert.Contains($"U+{code:X4} at position 7", UnsafeText.Describe(text, 7), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Astana Children's Hospital")]
    [InlineData("Line one\r\nline two\tand a tab")]
    [InlineData("Детская больница Астаны")]
    [InlineData("مستشفى")]
    [InlineData("Zoë Ñandú — 東京 😀")]
    [InlineData("\u00A0no-break space and soft\u00ADhyphen")]
    public void Ordinary_text_in_any_script_is_safe(string text) => Assert.Equal(-1, UnsafeText.FirstUnsafe(text));

    [Fact]
    public void Unsafe_strings_are_found_at_any_depth_and_named_by_their_path()
    {
        var request = new UpdateInstitutionRequest
        {
            InstitutionId = "kz-astana\u200B",
            Name = "Fine name",
            Accreditation = new Accreditation { Body = "JACIE\u202E" },
        };

        var violations = UnsafeTextInterceptor.Violations(request);

        Assert.Equal(["institution_id", "accreditation.body"], violations.Select(v => v.Field));
        Assert.DoesNotContain("JACIE", violations[1].Description, StringComparison.Ordinal);
        Assert.Empty(UnsafeTextInterceptor.Violations(new UpdateInstitutionRequest { Name = "Fine\nname" }));
    }

    [Fact]
    public void Unsafe_strings_in_repeated_fields_are_named_by_index()
    {
        var request = new SignAgreementRequest { CountryCodes = { "KZ", "U\0Z" } };
        Assert.Equal(["country_codes[1]"], UnsafeTextInterceptor.Violations(request).Select(v => v.Field));
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { """{"name":5}""", "name", "must be a string" },
        { """{"kind":"INSTITUTION_KIND_CASINO"}""", "kind", "'INSTITUTION_KIND_CASINO' is not one of" },
        { """{"kind":true}""", "kind", "must be the name of a value" },
        { """{"capabilities":"x"}""", "capabilities", "must be a JSON object" },
        { """{"capabilities":{"icuBeds":1.5}}""", "capabilities.icu_beds", "must be a 32-bit integer" },
        { """{"capabilities":{"production_lines":"many"}}""", "capabilities.production_lines", "must be a 32-bit integer" },
        { """{"capabilities":{"apheresis":"yes"}}""", "capabilities.apheresis", "must be true or false" },
        { """{"nmae":"x"}""", "nmae", "is not a field of this request" },
        { """{"name":""", "body", "is not valid JSON (line 1" },
        { "[1]", "body", "must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void A_body_that_cannot_become_its_message_is_named_by_field(string json, string field, string description)
    {
        var violation = JsonBodyCheck.Find(RegisterInstitutionRequest.Descriptor, Encoding.UTF8.GetBytes(json));
        Assert.NotNull(violation);
        Assert.Equal(field, violation.Field);
        Assert.StartsWith(description, violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"institutionId":"kz-x","name":"X","kind":"INSTITUTION_KIND_TREATMENT_CENTRE","capabilities":{"icuBeds":"3","apheresis":true}}""")]
    [InlineData("""{"institution_id":"kz-x","kind":1,"accreditation":null,"capabilities":{}}""")]
    [InlineData("{}")]
    public void A_body_in_protobufs_json_mapping_passes(string json) =>
        Assert.Null(JsonBodyCheck.Find(RegisterInstitutionRequest.Descriptor, Encoding.UTF8.GetBytes(json)));

    public static TheoryData<string, string, string, string> BadQueries() => new()
    {
        { "page.page_size", "abc", "page.page_size", "must be a 32-bit integer" },
        { "page.pageSize", "99999999999999999999", "page.page_size", "must be a 32-bit integer" },
        { "status", "NOPE", "status", "'NOPE' is not one of BOOKING_STATUS_UNSPECIFIED" },
        { "status", new string('x', 3000), "status", "'" + new string('x', JsonBodyCheck.QuotedPrefix) + "...' is not one of" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public void A_query_value_that_cannot_become_its_field_is_named_by_field_and_quoted_short(string key, string value, string field, string description)
    {
        var violation = JsonBodyCheck.FindInQuery(ListBookingsRequest.Descriptor, [KeyValuePair.Create(key, new StringValues(value))]);
        Assert.NotNull(violation);
        Assert.Equal(field, violation.Field);
        Assert.StartsWith(description, violation.Description, StringComparison.Ordinal);
        Assert.True(violation.Description.Length < 400, $"a {violation.Description.Length}-character description quotes the input");
    }

    [Theory]
    [InlineData("page.pageSize", "20")]
    [InlineData("status", "BOOKING_STATUS_HELD")]
    [InlineData("status", "1")]
    [InlineData("siteId", "kz-ncb-astana")]
    [InlineData("utm_source", "anything: not a field, ignored as the transcoder ignores it")]
    public void A_query_in_the_transcoders_mapping_passes(string key, string value) =>
        Assert.Null(JsonBodyCheck.FindInQuery(ListBookingsRequest.Descriptor, [KeyValuePair.Create(key, new StringValues(value))]));

    [Fact]
    public void A_megabyte_of_input_is_quoted_as_a_short_prefix_only()
    {
        var huge = new string('A', 1024 * 1024);
        var violation = JsonBodyCheck.Find(RegisterInstitutionRequest.Descriptor, Encoding.UTF8.GetBytes($$"""{"kind":"{{huge}}"}"""))!;
        Assert.True(violation.Description.Length < 300, $"a {violation.Description.Length}-character description quotes the input");
        var named = JsonBodyCheck.Find(RegisterInstitutionRequest.Descriptor, Encoding.UTF8.GetBytes($$"""{"{{huge}}":1}"""))!;
        Assert.Equal(new string('A', JsonBodyCheck.QuotedPrefix) + "...", named.Field);
    }

    public static TheoryData<string, bool, string> Refusals() => new()
    {
        { "application/grpc", true, "16" },
        { "application/grpc", false, "7" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_grpc_caller_refused_by_the_policy_reads_the_grpc_status(string contentType, bool challenged, string status)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();

        await new FederatedChallenge().HandleAsync(_ => Task.CompletedTask, context, policy,
            challenged ? PolicyAuthorizationResult.Challenge() : PolicyAuthorizationResult.Forbid());

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(status, context.Response.Headers["grpc-status"].ToString());
        Assert.False(string.IsNullOrEmpty(context.Response.Headers["grpc-message"].ToString()));
    }
}
