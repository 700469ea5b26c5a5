using CarTConsortium.BuildingBlocks.Errors;
using Google.Protobuf;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;

namespace CarTConsortium.ServiceDefaults.Transcoding;

/// <summary>
/// Checks a REST body and query string against the request message before JSON transcoding reads
/// them. The transcoder's own parse errors carry no field, echo the input and name types; a request
/// refused here gets 400 with google.rpc.BadRequest naming the field, like every validation error.
/// </summary>
public static class TranscodedBodyGuard
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default
        .WithTypeRegistry(Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor)));

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is { } transcoding
            && (await BodyViolationAsync(context, transcoding) ?? QueryViolation(context, transcoding)) is { } violation)
        {
            var status = ErrorStatuses.InvalidArgument(new InvalidArgumentException([violation]));
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(Formatter.Format(status), context.RequestAborted);
            return;
        }
        await next(context);
    }

    private static async Task<FieldViolation?> BodyViolationAsync(HttpContext context, GrpcJsonTranscodingMetadata transcoding)
    {
        if (transcoding.HttpRule.Body is not { Length: > 0 } bodyField)
        {
            return null;
        }
        var input = transcoding.MethodDescriptor.InputType;
        var (message, prefix) = bodyField == "*" ? (input, "") : (input.FindFieldByName(bodyField)?.MessageType, bodyField + ".");
        if (message is null)
        {
            return null;
        }
        // Buffered so the transcoder reads the same body after us.
        context.Request.EnableBuffering();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        context.Request.Body.Position = 0;
        return body.Length > 0 && JsonBodyCheck.Find(message, body.GetBuffer().AsMemory(0, (int)body.Length)) is { } violation
            ? violation with { Field = violation.Field == JsonBodyCheck.Body ? violation.Field : prefix + violation.Field }
            : null;
    }

    // With body "*" the transcoder binds nothing from the query string.
    private static FieldViolation? QueryViolation(HttpContext context, GrpcJsonTranscodingMetadata transcoding) =>
        transcoding.HttpRule.Body == "*" || context.Request.Query.Count == 0
            ? null
            : JsonBodyCheck.FindInQuery(transcoding.MethodDescriptor.InputType, context.Request.Query);
}
