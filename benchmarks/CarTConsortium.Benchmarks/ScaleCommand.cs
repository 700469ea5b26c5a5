using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CarTConsortium.Benchmarks;

/// <summary>
/// The <c>scale</c> command and its options, and the hidden <c>scale seed</c> that seeds one size in a child
/// process (<see cref="ScaleSeeder"/>); Program.cs only adds the command to its root.
/// </summary>
public static class ScaleCommand
{
    private const string SeedName = "seed";

    public static Command Create()
    {
        var patients = SizesOption("--patients", "Registry sizes in patients, comma-separated; paired by position with --bookings", [10_000, 100_000, 1_000_000]);
        var bookings = SizesOption("--bookings", "Bookings at each size, comma-separated; paired by position with --patients", [1_000, 10_000, 100_000]);
        var runs = AtLeastOne(new Option<int>("--runs") { Description = "Manufacturing runs the bookings are spread over, at every size", DefaultValueFactory = _ => 10_000 });
        var samples = AtLeastOne(new Option<int>("--samples") { Description = "Measured calls of each kind at each size (after 5 warm-up calls)", DefaultValueFactory = _ => 200 });
        var data = new Option<DirectoryInfo?>("--data")
        {
            Description = "Where each size's data folder is made, kept afterwards (default: a fresh temporary folder, each size's deleted once measured)",
        };
        var scale = new Command("scale", "Scale benchmark: registries and booking histories seeded straight into the stores, the standalone platform started on "
            + "each and measured through its gateway (statistics, list pages, RequestRun, working set, start time)")
        {
            patients,
            bookings,
            runs,
            samples,
            data,
            CreateSeed(),
        };
        scale.SetAction((parse, ct) => ScaleBenchmark.RunAsync(new ScaleSettings(parse.GetValue(patients)!, parse.GetValue(bookings)!, parse.GetValue(runs),
            parse.GetValue(samples), parse.GetValue(data)?.FullName), ct));
        return scale;
    }

    /// <summary>The command line of <c>scale seed</c> for one size, as the benchmark starts its child process.</summary>
    public static IEnumerable<string> SeedArguments(ScaleSeedSettings seed) =>
    [
        "scale", SeedName, "--data", seed.DataFolder,
        "--patients", seed.Patients.ToString(CultureInfo.InvariantCulture),
        "--bookings", seed.Bookings.ToString(CultureInfo.InvariantCulture),
        "--runs", seed.Runs.ToString(CultureInfo.InvariantCulture),
    ];

    private static Command CreateSeed()
    {
        var data = new Option<string>("--data") { Required = true };
        var patients = AtLeastOne(new Option<int>("--patients") { Required = true });
        var bookings = new Option<int>("--bookings") { Required = true };
        var runs = AtLeastOne(new Option<int>("--runs") { Required = true });
        var seed = new Command(SeedName, "Seeds one size's data folder (run by `scale` in a child process)") { data, patients, bookings, runs };
        seed.Hidden = true;
        seed.SetAction((parse, ct) => ScaleSeeder.RunAsync(new ScaleSeedSettings(parse.GetValue(data)!, parse.GetValue(patients), parse.GetValue(bookings),
            parse.GetValue(runs)), ct));
        return seed;
    }

    private static Option<int> AtLeastOne(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError($"{option.Name} must be at least 1.");
            }
        });
        return option;
    }

    private static Option<int[]> SizesOption(string name, string description, int[] defaults) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaults,
        CustomParser = result => ParseSizes(result, name),
    };

    /// <summary>Whole numbers of at least 0 (a size may have no bookings), comma-separated, over one or more tokens.</summary>
    private static int[] ParseSizes(ArgumentResult result, string name)
    {
        var parts = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var sizes = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
        foreach (var bad in parts.Where((_, i) => sizes[i] < 0))
        {
            result.AddError($"{name} takes whole numbers, e.g. 10000,100000 (not '{bad}').");
        }
        if (sizes.Length == 0)
        {
            result.AddError($"{name} needs at least one size.");
        }
        return sizes;
    }
}
