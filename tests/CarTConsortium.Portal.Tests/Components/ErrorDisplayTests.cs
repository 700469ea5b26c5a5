using Bunit;
using CarTConsortium.Portal.Components.Coordinator;
using CarTConsortium.Portal.Components.Shared;
using CarTConsortium.Portal.Errors;
using Grpc.Core;
using Xunit;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>The one error display: field violations beside their fields, a plain sentence for each other failure.</summary>
public sealed class ErrorDisplayTests : PortalComponentTest
{
    [Fact]
    public void A_bad_request_puts_each_field_violation_next_to_its_field_and_lists_the_others_in_the_banner()
    {
        var error = PortalError.From(Errors.BadRequest(
            ("product_id", "must be a product slug"),
            ("latest_start", "must not be before earliest_start"),
            ("treating_institution_id", "must be the caller's institution")));

        var form = Render<RequestRunForm>(p => p.Add(f => f.Error, error));
        var banner = Render<ErrorBanner>(p => p.Add(b => b.Error, error).Add(b => b.ExtraFields, RequestRunForm.Fields));

        var product = form.Find("#product").ParentElement!;
        Assert.Contains("must be a product slug", product.QuerySelector("#product-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("product-error", form.Find("#product").GetAttribute("aria-describedby"), StringComparison.Ordinal);
        var latest = form.Find("#latest").ParentElement!;
        Assert.Contains("must not be before earliest_start", latest.QuerySelector(".field-error")!.TextContent, StringComparison.Ordinal);
        // Fields without a violation show nothing; exactly the two shown fields carry a message.
        Assert.Equal(["product_id", "latest_start"], form.FindAll(".field-error").Select(e => e.GetAttribute("data-field")!));
        Assert.Empty(form.Find("#indication").ParentElement!.QuerySelectorAll(".field-error"));
        // The field no input shows still reaches the person, in the banner, with the plain sentence.
        Assert.Contains("treating_institution_id: must be the caller's institution", banner.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("must be a product slug", banner.Markup, StringComparison.Ordinal);
        Assert.Contains(Strings["Error_InvalidInput"].Value, banner.Find("[role=alert]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCode.PermissionDenied, PortalErrorKind.NotAllowed)]
    [InlineData(StatusCode.ResourceExhausted, PortalErrorKind.TooManyRequests)]
    [InlineData(StatusCode.Unavailable, PortalErrorKind.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded, PortalErrorKind.Unavailable)]
    [InlineData(StatusCode.Aborted, PortalErrorKind.Changed)]
    [InlineData(StatusCode.Internal, PortalErrorKind.Unexpected)]
    public void Each_failure_gets_its_own_plain_sentence_and_no_technical_detail(StatusCode code, PortalErrorKind kind)
    {
        var error = Errors.Of(code, "stack trace and internals");

        var banner = Render<ErrorBanner>(p => p.Add(b => b.Error, error));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(kind.ToString(), banner.Find("[data-testid=error]").GetAttribute("data-kind"));
        Assert.Equal(Strings["Error_" + kind].Value, banner.Find("[data-testid=error] p").TextContent);
        Assert.DoesNotContain("internals", banner.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_rule_shows_the_services_own_sentence()
    {
        var banner = Render<ErrorBanner>(p => p.Add(b => b.Error, Errors.Of(StatusCode.FailedPrecondition, "The product is not authorised in KZ.")));

        Assert.Contains("The product is not authorised in KZ.", banner.Find(".detail").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void No_error_renders_nothing()
    {
        Assert.Empty(Render<ErrorBanner>().Markup.Trim());
        Assert.Empty(Render<FieldMessages>(p => p.Add(f => f.Field, "product_id").Add(f => f.Id, "x")).Markup.Trim());
    }

    [Fact]
    public void In_russian_the_plain_sentences_are_russian()
    {
        UseCulture("ru");

        var banner = Render<ErrorBanner>(p => p.Add(b => b.Error, Errors.Of(StatusCode.PermissionDenied)));

        Assert.Equal("Вам не разрешено это действие или просмотр этой записи.", banner.Find("[data-testid=error] p").TextContent);
    }
}
