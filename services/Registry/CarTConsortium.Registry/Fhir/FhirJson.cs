using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CarTConsortium.Registry.Fhir;

/// <summary>FHIR R4 JSON through the Firely SDK's System.Text.Json converters.</summary>
public static class FhirJson
{
    public const string MediaType = "application/fhir+json";

    /// <summary>One resource per line (FHIR bulk data).</summary>
    public const string NdjsonMediaType = "application/fhir+ndjson";

    /// <summary>Compact (one line per resource, as NDJSON needs).</summary>
    public static JsonSerializerOptions Options { get; } = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static string Serialize(Resource resource) => JsonSerializer.Serialize(resource, resource.GetType(), Options);
}
