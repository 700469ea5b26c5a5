using CarTConsortium.BuildingBlocks.Errors;

namespace CarTConsortium.ServiceDefaults;

/// <summary>google.type.Date in and out of every service's contract, in one place.</summary>
public static class ContractDates
{
    /// <summary>The parts as sent, for the domain to check (0 in a part means "not given").</summary>
    public static DateParts? ToDateParts(this Google.Type.Date? date) => date is null ? null : new DateParts(date.Year, date.Month, date.Day);

    public static Google.Type.Date ToContractDate(this DateOnly day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    /// <summary>An absent day stays absent (the field is left unset).</summary>
    public static Google.Type.Date? ToContractDate(this DateOnly? day) => day?.ToContractDate();
}
