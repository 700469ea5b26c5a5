namespace CarTConsortium.Registry.Storage;

/// <summary>The keys of <see cref="RegistryCollections.Countries"/>.</summary>
public static class CountryKeys
{
    public const string Membership = "membership";
}

/// <summary>The keys of <see cref="RegistryCollections.Agreements"/>: each of the pair's two countries.</summary>
public static class AgreementKeys
{
    public const string FirstCountry = "first_country";
    public const string SecondCountry = "second_country";
}

/// <summary>The keys of <see cref="RegistryCollections.Institutions"/>.</summary>
public static class InstitutionKeys
{
    public const string Country = "country";
    public const string Kind = "kind";

    /// <summary>The hub a spoke refers to; absent for a hub.</summary>
    public const string Hub = "hub";
}

/// <summary>The keys of <see cref="RegistryCollections.Products"/>.</summary>
public static class ProductKeys
{
    public const string Manufacturer = "manufacturer";
}

/// <summary>The keys of <see cref="RegistryCollections.Patients"/>: the views of the record that who-may-see-what is queried by.</summary>
public static class PatientKeys
{
    /// <summary>The country of the identifier.</summary>
    public const string Country = "country";

    public const string TreatingInstitution = "treating_institution";

    /// <summary><see cref="Yes"/> when the record is in the consortium view (registry and cross-border consent); absent otherwise.</summary>
    public const string Shared = "shared";

    /// <summary><see cref="Yes"/> unless the record is frozen: the records statistics count and a country sees.</summary>
    public const string Active = "active";

    /// <summary><see cref="Yes"/> when the record is active and the patient consented to research; absent otherwise.</summary>
    public const string Research = "research";

    public const string Yes = "yes";
}

/// <summary>The keys of <see cref="RegistryCollections.AccessLog"/>.</summary>
public static class AccessLogKeys
{
    public const string Pseudonym = "pseudonym";
}
