namespace CarTConsortium.Testing;

/// <summary>
/// Waiting for what happens later (an event delivered, a read model updated), for every test
/// project: poll on real time, fail with a message after a timeout.
/// </summary>
public static class Eventually
{
    /// <summary>Retries <paramref name="attempt"/> until it stops throwing; after the timeout its last error fails the test.</summary>
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> attempt, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails after the timeout, saying what it waited for.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"Timed out waiting until {what}.");
    }
}
