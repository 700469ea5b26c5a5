using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

public sealed class PseudonymiserTests
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    [Fact]
    public void The_pseudonym_is_the_documented_keyed_hash()
    {
        // Computed apart from this code base (Python hmac + hand-written Crockford base32) from
        // secret bytes 0..31: HMAC-SHA256 of "cart-consortium/pseudonym/v1|KZ|010150500123",
        // first 80 bits. A change here changes every pseudonym ever issued.
        Assert.Equal("KZ-9HT9-XTTG-DH57-TKQN", Pseudonyms.Derive("KZ", "010150500123"));
        Assert.Equal("UZ-16TF-96M4-8CBM-M9TH",
            new Pseudonymiser(Options(("UZ", Secret(0)))).Derive("UZ", "010150500123"));
    }

    [Theory]
    [InlineData("010150500123")]
    [InlineData("0101 5050 0123")]
    [InlineData("0101-5050-0123")]
    [InlineData("  010150500123\t")]
    [InlineData("0-1-0-1-5-0-5-0-0-1-2-3")]
    [InlineData("0101\u00A05050\u20130123")] // a no-break space and an en dash, as copied from a document
    [InlineData("0101\u20115050\u20140123\n")] // a non-breaking hyphen, an em dash, a newline
    public void The_same_child_gets_the_same_pseudonym_whatever_the_spaces_and_dashes(string nationalId)
    {
        Assert.Equal("KZ-9HT9-XTTG-DH57-TKQN", Pseudonyms.Derive("KZ", nationalId));
    }

    [Theory]
    [InlineData("n12345678")]
    [InlineData("N12345678")]
    [InlineData("n 1234-5678")]
    [InlineData(" N1234 5678 ")]
    public void Letters_are_compared_in_upper_case(string passport)
    {
        Assert.Equal(Pseudonyms.Derive("KZ", "N12345678"), Pseudonyms.Derive("KZ", passport));
    }

    [Fact]
    public void The_same_identifier_gives_unrelated_pseudonyms_in_two_countries()
    {
        var kz = Pseudonyms.Derive("KZ", "010150500123");
        var uz = Pseudonyms.Derive("UZ", "010150500123");

        Assert.StartsWith("KZ-", kz, StringComparison.Ordinal);
        Assert.StartsWith("UZ-", uz, StringComparison.Ordinal);
        Assert.NotEqual(kz[3..], uz[3..]);
    }

    [Fact]
    public void The_country_is_part_of_the_hashed_message_not_only_the_prefix()
    {
        // One secret for two countries (the settings refuse it, but the hash must not rely on that).
        var options = new PseudonymisationOptions();
        options.CountrySecrets["KZ"] = Secret(0);
        var kz = new Pseudonymiser(options).Derive("KZ", "010150500123");
        options.CountrySecrets.Clear();
        options.CountrySecrets["UZ"] = Secret(0);
        var uz = new Pseudonymiser(options).Derive("UZ", "010150500123");

        Assert.NotEqual(kz[3..], uz[3..]);
    }

    [Fact]
    public void Another_secret_gives_another_pseudonym()
    {
        var other = new Pseudonymiser(Options(("KZ", Secret(1))));

        Assert.NotEqual(Pseudonyms.Derive("KZ", "010150500123"), other.Derive("KZ", "010150500123"));
    }

    [Fact]
    public void One_character_changed_flips_about_half_of_the_80_bits()
    {
        var flipped = new List<int>();
        for (var i = 0; i < 500; i++)
        {
            var id = (100000000000L + i * 7919L).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var position = i % id.Length;
            var changed = id[..position] + (char)('0' + (id[position] - '0' + 1 + i % 9) % 10) + id[(position + 1)..];
            Assert.NotEqual(id, changed);

            flipped.Add((int)UInt128.PopCount(Bits(Pseudonyms.Derive("KZ", id)) ^ Bits(Pseudonyms.Derive("KZ", changed))));
        }

        // Binomial(80, 1/2): mean 40, standard deviation 4.5.
        Assert.InRange(flipped.Average(), 39.0, 41.0);
        Assert.InRange(flipped.Min(), 20, 40);
        Assert.InRange(flipped.Max(), 40, 60);
    }

    [Fact]
    public void Pseudonyms_of_different_children_do_not_collide()
    {
        var pseudonyms = Enumerable.Range(0, 20_000).Select(i => Pseudonyms.Derive("KZ", $"ID{i:D6}")).ToHashSet();

        Assert.Equal(20_000, pseudonyms.Count);
    }

    [Fact]
    public void A_pseudonym_is_the_country_then_four_groups_of_four_crockford_symbols()
    {
        foreach (var id in new[] { "0000", "ZZZZ", "010150500123", "N12345678", new string('9', 32) })
        {
            var pseudonym = Pseudonyms.Derive("KZ", id);

            Assert.Equal(22, pseudonym.Length);
            Assert.Matches("^KZ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", pseudonym);
            Assert.True(Pseudonymiser.IsPseudonym(pseudonym));
        }
    }

    [Fact]
    public void Every_crockford_symbol_turns_up_and_no_other()
    {
        var symbols = Enumerable.Range(0, 400).SelectMany(i => Pseudonyms.Derive("KZ", $"ID{i:D6}")[3..].Replace("-", "", StringComparison.Ordinal)).ToHashSet();

        Assert.Equal(Crockford.Order(), symbols.Order());
    }

    [Theory]
    [InlineData("010150500123")]
    [InlineData("0101")]
    [InlineData("ABCD")]
    [InlineData("N12345678")]
    [InlineData("12345678901234567890123456789012")]
    public void A_pseudonym_never_contains_the_identifier(string nationalId)
    {
        var pseudonym = Pseudonyms.Derive("KZ", nationalId);

        Assert.DoesNotContain(nationalId, pseudonym.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(nationalId, pseudonym, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("ABC")] // 3 after normalising
    [InlineData("9-8 7")]
    [InlineData("X9Y8Z7W6V5U4T3S2R1Q0P9A8N7M6L5K4J")] // 33
    [InlineData("98765.4321")]
    [InlineData("98765_4321")]
    [InlineData("98765/4321")]
    [InlineData("98765+4321")]
    [InlineData("ЖК9876543")] // Cyrillic letters
    [InlineData("Α9876543")] // a Greek capital alpha that looks like A
    [InlineData("９８７６５４３２１")] // full-width digits
    [InlineData("98765\u00004321")]
    public void A_bad_identifier_is_refused_on_national_id_without_repeating_it(string nationalId)
    {
        var invalid = Assert.Throws<InvalidArgumentException>(() => Pseudonyms.Derive("KZ", nationalId));

        Assert.Equal(new FieldViolation("national_id", Pseudonymiser.NationalIdRule), Assert.Single(invalid.Violations));
        AssertNotEchoed(nationalId, invalid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" - ")]
    [InlineData(null)]
    public void A_missing_identifier_is_required(string? nationalId)
    {
        var invalid = Assert.Throws<InvalidArgumentException>(() => Pseudonyms.Derive("KZ", nationalId!));

        Assert.Equal(new FieldViolation("national_id", nationalId is " - " ? Pseudonymiser.NationalIdRule : "is required"), Assert.Single(invalid.Violations));
    }

    [Theory]
    [InlineData("ABCD")]
    [InlineData("A-B C-D")]
    [InlineData("12345678901234567890123456789012")]
    [InlineData("1234-5678-9012-3456-7890-1234-5678-9012")]
    public void Identifiers_of_4_to_32_letters_and_digits_pass(string nationalId)
    {
        Assert.True(Pseudonymiser.IsPseudonym(Pseudonyms.Derive("KZ", nationalId)));
    }

    [Theory]
    [InlineData("kz")]
    [InlineData("KAZ")]
    [InlineData("")]
    [InlineData("K1")]
    public void A_bad_country_code_is_refused_on_country_code(string countryCode)
    {
        var invalid = Assert.Throws<InvalidArgumentException>(() => Pseudonyms.Derive(countryCode, "010150500123"));

        Assert.Equal("country_code", Assert.Single(invalid.Violations).Field);
    }

    [Fact]
    public void Both_bad_fields_are_reported_at_once()
    {
        var invalid = Assert.Throws<InvalidArgumentException>(() => Pseudonyms.Derive("kz", "98765@4321"));

        Assert.Equal(["country_code", "national_id"], invalid.Violations.Select(v => v.Field));
        AssertNotEchoed("98765@4321", invalid);
    }

    [Fact]
    public void A_country_without_a_secret_is_a_rule_violation_that_names_the_country_only()
    {
        var refused = Assert.Throws<RuleViolationException>(() => Pseudonyms.Derive("KG", "98765 43210"));

        Assert.Contains("KG", refused.Message, StringComparison.Ordinal);
        AssertNotEchoed("98765 43210", refused);
    }

    [Fact]
    public void The_countries_with_a_secret_are_listed()
    {
        Assert.Equal(["KZ", "UZ"], Pseudonyms.Countries);
    }

    [Theory]
    [InlineData("KZ-7F3K-9Q2M-4N5P-R8TV", true)]
    [InlineData("UZ-0000-0000-0000-0000", true)]
    [InlineData("KG-ZZZZ-YYYY-XXXX-WWWW", true)]
    [InlineData("kz-7F3K-9Q2M-4N5P-R8TV", false)]
    [InlineData("KZ-7f3k-9Q2M-4N5P-R8TV", false)]
    [InlineData("KZ-7F3K-9Q2M-4N5P-R8T", false)]
    [InlineData("KZ-7F3K-9Q2M-4N5P-R8TVX", false)]
    [InlineData("KZ-7F3K-9Q2M-4N5P", false)]
    [InlineData("KZ-7F3K-9Q2M-4N5P-R8TV-0000", false)]
    [InlineData("KZ7F3K9Q2M4N5PR8TV", false)]
    [InlineData("KZ-7F3K9Q2M-4N5P-R8TV", false)]
    [InlineData("KAZ-7F3K-9Q2M-4N5P-R8TV", false)]
    [InlineData("K-7F3K-9Q2M-4N5P-R8TV", false)]
    [InlineData("KZ-IIII-9Q2M-4N5P-R8TV", false)]
    [InlineData("KZ-LLLL-9Q2M-4N5P-R8TV", false)]
    [InlineData("KZ-OOOO-9Q2M-4N5P-R8TV", false)]
    [InlineData("KZ-UUUU-9Q2M-4N5P-R8TV", false)]
    [InlineData("KZ-7F3K-9Q2M-4N5P-R8TV\n", false)]
    [InlineData(" KZ-7F3K-9Q2M-4N5P-R8TV", false)]
    [InlineData("KZ-7F3K-9Q2M-4N5P-R8TV ", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsPseudonym_accepts_the_exact_shape_only(string? value, bool expected)
    {
        Assert.Equal(expected, Pseudonymiser.IsPseudonym(value));
    }

    [Fact]
    public void A_country_whose_secret_is_unusable_gets_no_pseudonym_at_all()
    {
        // The settings validator stops the app on such a secret; the pseudonymiser itself never uses it.
        var pseudonyms = new Pseudonymiser(Options(("KZ", "c2hvcnQ="), ("KG", "not base64"), ("UZ", Secret(0))));

        Assert.Equal(["UZ"], pseudonyms.Countries);
        Assert.Throws<RuleViolationException>(() => pseudonyms.Derive("KZ", "010150500123"));
        Assert.Empty(new Pseudonymiser(new PseudonymisationOptions()).Countries);
    }

    [Fact]
    public void The_pseudonymiser_keeps_no_reference_to_the_settings()
    {
        var options = Options(("KZ", Secret(0)));
        var pseudonymiser = new Pseudonymiser(options);

        options.CountrySecrets["KZ"] = Secret(1);

        Assert.Equal("KZ-9HT9-XTTG-DH57-TKQN", pseudonymiser.Derive("KZ", "010150500123"));
    }

    /// <summary>The 80 bits of a pseudonym, read back from Crockford base32.</summary>
    private static UInt128 Bits(string pseudonym)
    {
        UInt128 bits = 0;
        foreach (var symbol in pseudonym[3..].Replace("-", "", StringComparison.Ordinal))
        {
            bits = (bits << 5) | (UInt128)Crockford.IndexOf(symbol, StringComparison.Ordinal);
        }
        return bits;
    }

    private static void AssertNotEchoed(string nationalId, Exception exception)
    {
        var normalised = new string(nationalId.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        foreach (var text in new[] { exception.Message, exception.ToString() }
            .Concat(exception is InvalidArgumentException invalid ? invalid.Violations.Select(v => v.Description) : []))
        {
            Assert.DoesNotContain(nationalId.Trim(), text, StringComparison.OrdinalIgnoreCase);
            if (normalised.Length >= 3)
            {
                Assert.DoesNotContain(normalised, text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
