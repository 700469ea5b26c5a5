using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Platform.Tests;

/// <summary>The README's run command as a user meets it: a process that prints how to get a token and call it, serves, and stops on Ctrl-C.</summary>
public sealed class StandaloneProcessTests
{
    [Fact]
    public async Task The_standalone_process_prints_a_token_request_that_works_serves_through_its_gateway_and_stops_cleanly_on_ctrl_c()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Sends SIGINT, which only exists on Unix-like systems.");
        using var data = new TemporaryFolder("cartc-process-");
        // Far from the default ports, so a platform a developer is running does not collide.
        var offset = Random.Shared.Next(20_000, 40_000);
        var output = new StringBuilder();
        var banner = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet", [StandaloneDll(), "--data", data, "--port-offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
        };
        process.OutputDataReceived += (_, line) =>
        {
            lock (output) { output.AppendLine(line.Data); }
            if (line.Data?.Contains("Press Ctrl-C to stop.", StringComparison.Ordinal) == true)
            {
                banner.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            // Seconds when idle; the first start of a fresh build beside the rest of the suite on 2 cores takes far longer.
            await banner.Task.WaitAsync(TimeSpan.FromSeconds(180));

            // The banner's own commands, run as a user would paste them: get a token, call the gateway.
            string printed;
            lock (output) { printed = output.ToString(); }
            var lines = printed.Split('\n').Select(l => l.TrimEnd('\r').Trim()).ToList();
            var first = lines.FindIndex(l => l.StartsWith("TOKEN=$(curl", StringComparison.Ordinal));
            var last = lines.FindIndex(l => l.StartsWith("curl -H \"Authorization: Bearer $TOKEN\"", StringComparison.Ordinal));
            Assert.True(first >= 0 && last > first, "The banner shows how to get a token and call the gateway with it:\n" + printed);
            Assert.Contains($"http://127.0.0.1:{5000 + offset}/v1/registry/products", lines[last], StringComparison.Ordinal);
            var script = string.Join('\n', lines[first..(last + 1)]);
            using var shell = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var answer = await shell.StandardOutput.ReadToEndAsync();
            await shell.WaitForExitAsync();
            using (var products = JsonDocument.Parse(answer))
            {
                Assert.NotEmpty(products.RootElement.GetProperty("products").EnumerateArray());
            }
            // Without a token the same request gets nowhere.
            using var http = new HttpClient();
            using var anonymous = await http.GetAsync($"http://127.0.0.1:{5000 + offset}/v1/registry/products");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);

            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync();
            }
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The standalone host as built beside this test (same configuration).</summary>
    private static string StandaloneDll()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CarTConsortium.Standalone.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project references the standalone host, so a build puts it here.");
        return dll;
    }
}
