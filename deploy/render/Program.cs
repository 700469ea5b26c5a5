using System.CommandLine;
using CarTConsortium.Deploy.Render;

// `dotnet run --project deploy/render`: rewrites the member-dependent manifests of deploy/kubernetes from deploy/members.yaml.
// `dotnet run --project deploy/render -- secrets [--country TJ]`: prints the kubectl commands for the member-dependent Secrets.
// Exit code 1 when the list is not valid (every problem is printed) or not found.
var listOption = new Option<FileInfo?>("--list") { Description = $"The member list (default: {Manifests.ListFile} of the repository)" };
var outOption = new Option<DirectoryInfo?>("--out") { Description = $"Where the manifests go (default: {Manifests.Folder} of the repository)" };
var countryOption = new Option<string?>("--country") { Description = "Only what this new member needs (its code), for a running cluster" };

var root = new RootCommand($"Renders the manifests of {Manifests.Folder} that depend on {Manifests.ListFile}") { listOption, outOption };
root.SetAction(parse => Run(parse.GetValue(listOption), list =>
{
    var folder = parse.GetValue(outOption)?.FullName ?? RepoPath(Manifests.Folder);
    var changes = Manifests.Write(Manifests.Render(list), folder);
    Console.WriteLine(changes.Count == 0 ? $"{folder}: already up to date" : string.Join('\n', changes.Select(c => $"{folder}: {c}")));
}));
var secrets = new Command("secrets", "Prints the kubectl commands for the Secrets the members need (their random values made by openssl when run)")
{
    listOption,
    countryOption,
};
secrets.SetAction(parse => Run(parse.GetValue(listOption), list =>
    Console.Write(parse.GetValue(countryOption) is { } country ? SecretCommands.ForMember(list, country.Trim().ToUpperInvariant()) : SecretCommands.ForCluster(list))));
root.Subcommands.Add(secrets);
return root.Parse(args).Invoke();

static int Run(FileInfo? file, Action<MemberList> action)
{
    var path = file?.FullName ?? RepoPath(Manifests.ListFile);
    try
    {
        action(MemberListReader.Read(File.ReadAllText(path)));
        return 0;
    }
    catch (MemberListException e)
    {
        Console.Error.WriteLine($"{path}: refused, nothing done:\n{e.Message}");
        return 1;
    }
    catch (IOException e)
    {
        Console.Error.WriteLine($"{path}: {e.Message}");
        return 1;
    }
}

// Paths of the repository: the folder above the current one that holds CarTConsortium.sln.
static string RepoPath(string relative)
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "CarTConsortium.sln")))
        {
            return Path.Combine(dir.FullName, relative);
        }
    }
    throw new IOException($"No folder above {Environment.CurrentDirectory} holds CarTConsortium.sln; give --list and --out.");
}
