using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CarTConsortium.Gateway.OpenApi;

/// <summary>
/// Makes the generated document say what the REST API really sends: protobuf's JSON mapping
/// writes 64-bit integers as strings, and proto comments reach it with Windows line ends.
/// </summary>
public sealed class ProtoJsonDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(swaggerDoc);
        var seen = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
        foreach (var schema in swaggerDoc.Components.Schemas.Values)
        {
            Fix(schema, seen);
        }
        foreach (var tag in swaggerDoc.Tags ?? [])
        {
            tag.Description = Lines(tag.Description);
        }
        foreach (var operation in swaggerDoc.Paths.Values.SelectMany(path => path.Operations.Values))
        {
            operation.Summary = Lines(operation.Summary);
            operation.Description = Lines(operation.Description);
            foreach (var parameter in operation.Parameters)
            {
                parameter.Description = Lines(parameter.Description);
                Fix(parameter.Schema, seen);
            }
        }
    }

    private static void Fix(OpenApiSchema? schema, HashSet<OpenApiSchema> seen)
    {
        if (schema is null || !seen.Add(schema))
        {
            return;
        }
        schema.Description = Lines(schema.Description);
        if (schema.Type == "integer" && schema.Format is "int64" or "uint64")
        {
            // The JSON mapping writes them as strings (JavaScript numbers lose digits past 2^53); a number is accepted too.
            schema.Type = "string";
        }
        foreach (var child in schema.Properties.Values.Concat(schema.AllOf).Concat(schema.AnyOf).Concat(schema.OneOf))
        {
            Fix(child, seen);
        }
        Fix(schema.Items, seen);
        Fix(schema.AdditionalProperties, seen);
    }

    private static string? Lines(string? text) => text?.Replace("\r\n", "\n", StringComparison.Ordinal);
}
