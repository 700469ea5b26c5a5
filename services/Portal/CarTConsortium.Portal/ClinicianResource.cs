namespace CarTConsortium.Portal;

/// <summary>The clinician's pages' strings: Resources/ClinicianResource.resx (English) and .ru.resx (Russian).</summary>
public sealed class ClinicianResource;
