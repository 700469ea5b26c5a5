using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Products;
using Xunit;

namespace CarTConsortium.Registry.Tests;

public sealed class ProductRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);

    private const string SlugRule = "must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit";
    private const string Required = "is required";

    /// <summary>Everything a caller sends to register a product.</summary>
    private sealed record Draft(string ProductId, string Name, string TargetAntigen, CellSource? CellSource, string Manufacturer);

    private static readonly Draft Valid = new("nexcar19", "NexCAR19", "CD19", CellSource.Autologous, "ImmunoACT / IIT Bombay");

    // Each case breaks exactly one rule of the valid draft, and names the one violation that must be reported.
    private static readonly Dictionary<string, (Func<Draft, Draft> Break, string Field, string Description)> Cases = new()
    {
        ["product_id of one letter"] = (d => d with { ProductId = "n" }, "product_id", SlugRule),
        ["product_id of 64"] = (d => d with { ProductId = new string('n', 64) }, "product_id", SlugRule),
        ["product_id upper case"] = (d => d with { ProductId = "NexCAR19" }, "product_id", SlugRule),
        ["product_id leading dash"] = (d => d with { ProductId = "-nexcar19" }, "product_id", SlugRule),
        ["product_id with a space"] = (d => d with { ProductId = "nex car19" }, "product_id", SlugRule),
        ["product_id padded"] = (d => d with { ProductId = " nexcar19 " }, "product_id", SlugRule),
        ["product_id with a trailing newline"] = (d => d with { ProductId = "nexcar19\n" }, "product_id", SlugRule),
        ["product_id with an underscore"] = (d => d with { ProductId = "nex_car19" }, "product_id", SlugRule),
        ["product_id with a dot"] = (d => d with { ProductId = "nexcar.19" }, "product_id", SlugRule),
        ["product_id empty"] = (d => d with { ProductId = "" }, "product_id", SlugRule),
        ["product_id null"] = (d => d with { ProductId = null! }, "product_id", SlugRule),
        ["name empty"] = (d => d with { Name = "" }, "name", Required),
        ["name whitespace"] = (d => d with { Name = " \t\n " }, "name", Required),
        ["name null"] = (d => d with { Name = null! }, "name", Required),
        ["name of 201"] = (d => d with { Name = new string('n', 201) }, "name", "must be at most 200 characters"),
        ["target_antigen empty"] = (d => d with { TargetAntigen = "" }, "target_antigen", Required),
        ["target_antigen whitespace"] = (d => d with { TargetAntigen = "  " }, "target_antigen", Required),
        ["target_antigen of 41"] = (d => d with { TargetAntigen = new string('C', 41) }, "target_antigen", "must be at most 40 characters"),
        ["cell_source null"] = (d => d with { CellSource = null }, "cell_source", "must be AUTOLOGOUS or ALLOGENEIC"),
        ["manufacturer empty"] = (d => d with { Manufacturer = "" }, "manufacturer", Required),
        ["manufacturer whitespace"] = (d => d with { Manufacturer = "   " }, "manufacturer", Required),
        ["manufacturer of 201"] = (d => d with { Manufacturer = new string('m', 201) }, "manufacturer", "must be at most 200 characters"),
    };

    public static TheoryData<string> SingleRuleCases => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(SingleRuleCases))]
    public void Each_broken_rule_alone_is_reported_on_its_field_only(string name)
    {
        var (breakRule, field, description) = Cases[name];

        var violation = Assert.Single(Violations(breakRule(Valid)));

        Assert.Equal(new FieldViolation(field, description), violation);
    }

    [Fact]
    public void Every_broken_rule_is_reported_at_once_in_field_order()
    {
        Assert.Equal(["product_id", "name", "target_antigen", "cell_source", "manufacturer"],
            Violations(new Draft("", "", "", null, "")).Select(v => v.Field));
        Assert.Equal(["product_id", "name", "target_antigen", "cell_source", "manufacturer"],
            Violations(new Draft("N", new string('n', 201), new string('C', 41), null, new string('m', 201))).Select(v => v.Field));
    }

    [Fact]
    public void The_exception_message_names_every_violation()
    {
        var invalid = Assert.Throws<InvalidArgumentException>(() => Register(Valid with { ProductId = "X", CellSource = null }));

        Assert.Equal($"The request is invalid: product_id: {SlugRule}; cell_source: must be AUTOLOGOUS or ALLOGENEIC", invalid.Message);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("19")]
    [InlineData("a-")]
    [InlineData("car-t--19")]
    [InlineData("tisagenlecleucel")]
    [InlineData("a12345678901234567890123456789012345678901234567890123456789012")]
    public void Slugs_of_2_to_63_lower_case_letters_digits_and_dashes_pass(string productId)
    {
        var product = Register(Valid with { ProductId = productId });

        Assert.Equal(productId, product.ProductId);
    }

    [Fact]
    public void The_longest_name_antigen_and_manufacturer_pass()
    {
        var draft = new Draft(new string('a', 63), new string('n', 200), new string('C', 40), CellSource.Allogeneic, new string('m', 200));

        var product = Register(draft);

        Assert.Equal(63, product.ProductId.Length);
        Assert.Equal(200, product.Name.Length);
        Assert.Equal(40, product.TargetAntigen.Length);
        Assert.Equal(200, product.Manufacturer.Length);
        Assert.Equal(CellSource.Allogeneic, product.CellSource);
    }

    [Fact]
    public void A_valid_product_is_registered_as_given_at_the_time_given()
    {
        Assert.Equal(new Product("nexcar19", "NexCAR19", "CD19", CellSource.Autologous, "ImmunoACT / IIT Bombay", Now), Register(Valid));
    }

    [Fact]
    public void Text_fields_are_trimmed()
    {
        var product = Register(Valid with { Name = "  NexCAR19\t", TargetAntigen = " CD19 ", Manufacturer = "\nImmunoACT / IIT Bombay  " });

        Assert.Equal(new Product("nexcar19", "NexCAR19", "CD19", CellSource.Autologous, "ImmunoACT / IIT Bombay", Now), product);
    }

    private static Product Register(Draft draft) =>
        Product.Register(draft.ProductId, draft.Name, draft.TargetAntigen, draft.CellSource, draft.Manufacturer, Now);

    private static IReadOnlyList<FieldViolation> Violations(Draft draft) =>
        Assert.Throws<InvalidArgumentException>(() => Register(draft)).Violations;
}
