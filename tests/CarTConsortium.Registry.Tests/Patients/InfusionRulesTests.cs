using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.Registry.Domain.Patients;
using Xunit;
using static CarTConsortium.Registry.Tests.Patients.PatientFixture;

namespace CarTConsortium.Registry.Tests.Patients;

public sealed class InfusionRulesTests
{
    private const string SlugRule = "must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit";
    private const string DoseRule = "must be above 0 and at most 50 million cells per kg";
    private const string BookingRule = "must be at most 64 letters, digits or dashes";

    /// <summary>Everything a caller sends to record an infusion.</summary>
    private sealed record Draft(string ProductId, double Dose, DateParts? InfusedOn, string? BookingId);

    private static readonly Draft Valid = new("nexcar19", 1.5, new DateParts(2025, 6, 2), "bk-2025-0042");

    private static readonly Dictionary<string, (Func<Draft, Draft> Break, string Field, string Description)> Cases = new()
    {
        ["product_id empty"] = (d => d with { ProductId = "" }, "product_id", SlugRule),
        ["product_id null"] = (d => d with { ProductId = null! }, "product_id", SlugRule),
        ["product_id upper case"] = (d => d with { ProductId = "NexCAR19" }, "product_id", SlugRule),
        ["dose zero"] = (d => d with { Dose = 0 }, "dose_million_cells_per_kg", DoseRule),
        ["dose negative"] = (d => d with { Dose = -1.5 }, "dose_million_cells_per_kg", DoseRule),
        ["dose 50.0001"] = (d => d with { Dose = 50.0001 }, "dose_million_cells_per_kg", DoseRule),
        ["dose NaN"] = (d => d with { Dose = double.NaN }, "dose_million_cells_per_kg", DoseRule),
        ["dose infinite"] = (d => d with { Dose = double.PositiveInfinity }, "dose_million_cells_per_kg", DoseRule),
        ["dose minus infinite"] = (d => d with { Dose = double.NegativeInfinity }, "dose_million_cells_per_kg", DoseRule),
        ["infused_on missing"] = (d => d with { InfusedOn = null }, "infused_on", "is required: year, month and day"),
        ["infused_on all zero"] = (d => d with { InfusedOn = new DateParts(0, 0, 0) }, "infused_on", "is required: year, month and day"),
        ["infused_on without a day"] = (d => d with { InfusedOn = new DateParts(2025, 6, 0) }, "infused_on", "is required: year, month and day"),
        ["infused_on 30 February"] = (d => d with { InfusedOn = new DateParts(2025, 2, 30) }, "infused_on", "is not a calendar date"),
        ["infused_on tomorrow"] = (d => d with { InfusedOn = DateParts.Of(Today.AddDays(1)) }, "infused_on", "must not be in the future"),
        ["booking_id of 65"] = (d => d with { BookingId = new string('b', 65) }, "booking_id", BookingRule),
        ["booking_id with a space"] = (d => d with { BookingId = "bk 42" }, "booking_id", BookingRule),
        ["booking_id with an underscore"] = (d => d with { BookingId = "bk_42" }, "booking_id", BookingRule),
        ["booking_id with a letter outside ASCII"] = (d => d with { BookingId = "bké42" }, "booking_id", BookingRule),
        ["booking_id with a trailing newline"] = (d => d with { BookingId = "bk-42\n" }, "booking_id", BookingRule),
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
        Assert.Equal(["product_id", "dose_million_cells_per_kg", "infused_on", "booking_id"],
            Violations(new Draft("", 0, null, "bk 42")).Select(v => v.Field));
    }

    [Fact]
    public void Bad_fields_are_reported_before_the_record_is_looked_at()
    {
        var frozen = Enrolled().ChangeConsent(Withdrawn, Now);

        Assert.Throws<InvalidArgumentException>(() => Record(frozen, Valid with { Dose = 0 }));
    }

    [Theory]
    [InlineData(50)]
    [InlineData(0.0001)]
    [InlineData(double.Epsilon)]
    [InlineData(3.0)]
    public void Doses_above_0_up_to_50_pass(double dose)
    {
        Assert.Equal(dose, Single(Record(Enrolled(), Valid with { Dose = dose })).DoseMillionCellsPerKg);
    }

    [Fact]
    public void An_infusion_today_passes()
    {
        Assert.Equal(Today, Single(Record(Enrolled(), Valid with { InfusedOn = DateParts.Of(Today) })).InfusedOn);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("a", "a")]
    [InlineData("BK-2025-0042", "BK-2025-0042")]
    [InlineData("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")]
    public void The_booking_is_optional_and_up_to_64_letters_digits_and_dashes(string? bookingId, string? stored)
    {
        Assert.Equal(stored, Single(Record(Enrolled(), Valid with { BookingId = bookingId })).BookingId);
    }

    [Fact]
    public void A_valid_infusion_is_recorded_as_given_at_the_time_given()
    {
        var record = Enrolled();

        var infused = record.RecordInfusion("inf-1", "nexcar19", 1.5, new DateParts(2025, 6, 2), "bk-2025-0042", Now);

        Assert.Equal(new Infusion("inf-1", "nexcar19", 1.5, D(2025, 6, 2), "bk-2025-0042", Now), Single(infused));
        Assert.Equal(record with { Infusions = infused.Infusions }, infused);
        Assert.Empty(record.Infusions);
    }

    [Fact]
    public void Infusions_are_kept_in_date_order_whatever_order_they_are_recorded_in()
    {
        var record = Enrolled().Infused(D(2025, 9, 1)).Infused(D(2025, 6, 2)).Infused(D(2025, 7, 15));

        Assert.Equal([D(2025, 6, 2), D(2025, 7, 15), D(2025, 9, 1)], record.Infusions.Select(i => i.InfusedOn));
    }

    [Fact]
    public void An_infusion_in_the_birth_month_passes_and_one_before_it_is_refused()
    {
        Assert.Equal(D(2016, 5, 1), Single(Enrolled().Infused(D(2016, 5, 1))).InfusedOn);

        var refused = Refused(() => Enrolled().Infused(D(2016, 4, 30)));

        Assert.Equal("An infusion on 2016-04-30 would be before the patient's birth month (2016-05).", refused.Message);
    }

    [Fact]
    public void An_infusion_on_the_day_of_death_passes_and_one_after_it_is_refused()
    {
        var dead = Enrolled().Infused(D(2025, 6, 2)).With(D(2025, 8, 20), Died);

        Assert.Equal(2, dead.Infused(D(2025, 8, 20)).Infusions.Count);
        var refused = Refused(() => dead.Infused(D(2025, 8, 21)));

        Assert.Equal("The patient's death is recorded on 2025-08-20; an infusion cannot be dated after it.", refused.Message);
    }

    [Fact]
    public void A_second_infusion_on_one_day_is_refused_and_the_next_day_passes()
    {
        var infused = Enrolled().Infused(D(2025, 6, 2));

        Assert.Equal(2, infused.Infused(D(2025, 6, 3)).Infusions.Count);
        var refused = Refused(() => infused.Infused(D(2025, 6, 2)));

        Assert.Equal("An infusion of nexcar19 is already recorded on 2025-06-02; a patient is infused at most once a day.", refused.Message);
    }

    [Fact]
    public void A_frozen_record_takes_no_infusion()
    {
        var frozen = Enrolled().ChangeConsent(Withdrawn, Now);

        var refused = Refused(() => frozen.Infused(D(2025, 6, 2)));

        Assert.Contains("frozen", refused.Message, StringComparison.Ordinal);
    }

    private static Infusion Single(PatientRecord record) => Assert.Single(record.Infusions);

    private static PatientRecord Record(PatientRecord record, Draft d) =>
        record.RecordInfusion("inf-1", d.ProductId, d.Dose, d.InfusedOn, d.BookingId, Now);

    private static IReadOnlyList<FieldViolation> Violations(Draft draft) =>
        Assert.Throws<InvalidArgumentException>(() => Record(Enrolled(), draft)).Violations;
}
