namespace CarTConsortium.Testing;

/// <summary>
/// What every test that starts the standalone platform gives it (the platform tests and the portal's
/// browser tests alike): events retried and polled quickly, so that a test waits milliseconds for what
/// follows an event, and logs quiet but for warnings. The ports come from
/// <c>StandalonePlatform.PortsFrom(LoopbackPorts.Next, ...)</c>.
/// </summary>
public static class PlatformRecipe
{
    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Eventing:RetryBaseDelay"] = "00:00:00.050",
        ["Eventing:OutboxPollInterval"] = "00:00:00.200",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Yarp"] = "Error",
        ["Logging:LogLevel:CarTConsortium.ServiceDefaults.Security"] = "Error",
        // The platform tests enrol many patients of one institution (a matrix case each); the limit
        // itself is tested by the registry's EnrolmentAbuseTests.
        ["Registry:Enrolment:PermitLimit"] = "1000",
        // The platform tests check the exact figures of pools one or two countries committed to; what an
        // officer sees of such a pool is tested by procurement's PoolDisclosureAbuseTests.
        ["Procurement:Disclosure:MinCountries"] = "1",
    };
}
