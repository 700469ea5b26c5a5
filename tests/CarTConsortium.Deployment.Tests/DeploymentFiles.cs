using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CarTConsortium.Deployment.Tests;

internal sealed record AppPorts(int? Http, int? Grpc)
{
    public override string ToString() => $"http {Show(Http)} / grpc {Show(Grpc)}";

    private static string Show(int? port) => port?.ToString(CultureInfo.InvariantCulture) ?? "(none)";
}

/// <summary>One app host's appsettings.json: the services' hosts and the gateway's.</summary>
internal sealed record HostSettings(
    string File,
    string AppId,
    AppPorts Ports,
    string? PubSubName,
    string? MongoDatabase,
    int MaxDeliveryAttempts)
{
    public bool IsGateway => AppId == Files.GatewayAppId;

    /// <summary>The host's project: the folder's name with .csproj, beside appsettings.json.</summary>
    public string ProjectFile
    {
        get
        {
            var folder = Path.GetDirectoryName(File)!;
            return Path.Combine(folder, Path.GetFileName(folder) + ".csproj");
        }
    }
}

internal sealed record TyeBinding(string? Name, int? Port, string? Protocol);

internal sealed record TyeService(
    string Name,
    string? Project,
    string? Image,
    IReadOnlyList<TyeBinding> Bindings,
    IReadOnlyDictionary<string, string> Env)
{
    public int? Port(string binding) => Bindings.FirstOrDefault(b => b.Name == binding)?.Port;
}

internal sealed record TyeFile(IReadOnlyList<TyeService> Services, Dictionary<string, object?>? DaprExtension)
{
    /// <summary>The apps: services built from a project (not the broker's or database's containers).</summary>
    public IEnumerable<TyeService> Projects => Services.Where(s => s.Project is not null);
}

/// <summary>One document of a Kubernetes or Dapr YAML file.</summary>
internal sealed record Manifest(string File, Dictionary<string, object?> Doc)
{
    public string? Kind => Yaml.Str(Doc, "kind");
    public string? Name => Yaml.Str(Doc, "metadata", "name");
    public string? Namespace => Yaml.Str(Doc, "metadata", "namespace");
    public string Where => $"{Files.Show(File)} ({Kind} {Name})";
}

internal sealed record Container(
    string? Name,
    string? Image,
    IReadOnlyDictionary<string, int?> Ports,
    IReadOnlyList<Dictionary<string, object?>> Env,
    Dictionary<string, object?> Spec)
{
    public string? EnvValue(string name) => Yaml.Str(Env.FirstOrDefault(e => Yaml.Str(e, "name") == name), "value");

    public Dictionary<string, object?>? EnvEntry(string name) => Env.FirstOrDefault(e => Yaml.Str(e, "name") == name);
}

/// <summary>The deployment files and the settings they must agree with.</summary>
internal static partial class Files
{
    public const string GatewayAppId = "gateway";
    public const string Tye = "tye.yaml";
    public const string StandaloneSettings = "services/Standalone/appsettings.json";
    public const string GatewaySettings = "gateway/CarTConsortium.Gateway.Host/appsettings.json";
    public const string GatewayRoutes = "gateway/CarTConsortium.Gateway/gateway.routes.json";
    public const string DaprComponents = "deploy/dapr/components";
    public const string DaprAlternatives = "deploy/dapr/alternatives";
    public const string Kubernetes = "deploy/kubernetes";
    public const string KubernetesNamespace = "cart-consortium";

    /// <summary>What the apps use when Eventing:MaxDeliveryAttempts is not set (EventingOptions).</summary>
    public const int DefaultMaxDeliveryAttempts = 5;

    public static string Show(string path) => Repo.Display(path);

    /// <summary>Standalone:Apps of the standalone settings: the port plan, by app id.</summary>
    public static IReadOnlyDictionary<string, AppPorts> StandalonePlan()
    {
        var root = Json.Load(Repo.PathOf(StandaloneSettings));
        return Json.Properties(root, "Standalone:Apps").ToDictionary(
            app => app.Name,
            app => new AppPorts(ParseInt(Json.Text(app.Value, "HttpPort")), ParseInt(Json.Text(app.Value, "GrpcPort"))),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// Every app host's settings: the gateway's, and services/&lt;Name&gt;/CarTConsortium.&lt;Name&gt;.Host/appsettings.json
    /// for each service (whose Eventing:AppId names the app).
    /// </summary>
    public static IReadOnlyList<HostSettings> Hosts()
    {
        var files = new List<string> { Repo.PathOf(GatewaySettings) };
        foreach (var service in Directory.GetDirectories(Repo.PathOf("services")).Order(StringComparer.Ordinal))
        {
            files.AddRange(Directory.GetDirectories(service, "CarTConsortium.*.Host")
                .Select(host => Path.Combine(host, "appsettings.json"))
                .Where(File.Exists)
                .Order(StringComparer.Ordinal));
        }

        return files.Select(file =>
        {
            var root = Json.Load(file);
            var isGateway = Show(file) == GatewaySettings;
            return new HostSettings(
                file,
                isGateway ? GatewayAppId : Json.Text(root, "Eventing:AppId") ?? $"(no Eventing:AppId in {Show(file)})",
                new AppPorts(PortOf(Json.Text(root, "Kestrel:Endpoints:Http:Url")), PortOf(Json.Text(root, "Kestrel:Endpoints:Grpc:Url"))),
                Json.Text(root, "Eventing:Dapr:PubSubName"),
                Json.Text(root, "Storage:MongoDb:Database"),
                ParseInt(Json.Text(root, "Eventing:MaxDeliveryAttempts")) ?? DefaultMaxDeliveryAttempts);
        }).ToList();
    }

    public static TyeFile LoadTye()
    {
        var doc = Yaml.LoadDocuments(Repo.PathOf(Tye)).Single();
        var services = Yaml.Seq(doc, "services").OfType<Dictionary<string, object?>>().Select(s => new TyeService(
            Yaml.Str(s, "name") ?? "(unnamed)",
            Yaml.Str(s, "project"),
            Yaml.Str(s, "image"),
            Yaml.Seq(s, "bindings").Select(b => new TyeBinding(Yaml.Str(b, "name"), Yaml.Int(b, "port"), Yaml.Str(b, "protocol"))).ToList(),
            TyeEnv(Yaml.Seq(s, "env")))).ToList();
        var dapr = Yaml.Seq(doc, "extensions").OfType<Dictionary<string, object?>>().FirstOrDefault(e => Yaml.Str(e, "name") == "dapr");
        return new TyeFile(services, dapr);
    }

    /// <summary>Every document of every YAML file in a folder (not its subfolders), in name order.</summary>
    public static IReadOnlyList<Manifest> Manifests(string folder) =>
        Directory.GetFiles(Repo.PathOf(folder))
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => Yaml.LoadDocuments(f).Select(d => new Manifest(f, d)))
            .ToList();

    public static IReadOnlyList<Manifest> KubernetesManifests() => Manifests(Kubernetes);

    /// <summary>The Dapr pub/sub components (kind Component, type pubsub.*) among some manifests.</summary>
    public static IEnumerable<Manifest> PubSubComponents(IEnumerable<Manifest> manifests) =>
        manifests.Where(m => m.Kind == "Component" && (Yaml.Str(m.Doc, "spec", "type") ?? "").StartsWith("pubsub.", StringComparison.Ordinal));

    /// <summary>The app's container in a Deployment: the one named like the Deployment, else the only one.</summary>
    public static Container? AppContainer(Manifest deployment)
    {
        var containers = Yaml.Seq(deployment.Doc, "spec", "template", "spec", "containers").OfType<Dictionary<string, object?>>().ToList();
        var spec = containers.FirstOrDefault(c => Yaml.Str(c, "name") == deployment.Name) ?? (containers.Count == 1 ? containers[0] : null);
        if (spec is null)
        {
            return null;
        }
        var ports = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var port in Yaml.Seq(spec, "ports"))
        {
            ports[Yaml.Str(port, "name") ?? "(unnamed)"] = Yaml.Int(port, "containerPort");
        }
        return new Container(
            Yaml.Str(spec, "name"),
            Yaml.Str(spec, "image"),
            ports,
            Yaml.Seq(spec, "env").OfType<Dictionary<string, object?>>().ToList(),
            spec);
    }

    public static JsonElement Routes() => Json.Load(Repo.PathOf(GatewayRoutes));

    /// <summary>The project files a .sln lists, as full paths (solution folders left out).</summary>
    public static IReadOnlyList<string> SolutionProjects()
    {
        var text = File.ReadAllText(Repo.PathOf(Repo.SolutionFile));
        return SolutionProjectLine().Matches(text)
            .Select(m => m.Groups["path"].Value)
            .Where(p => p.EndsWith("proj", StringComparison.OrdinalIgnoreCase))
            .Select(Repo.PathOf)
            .ToList();
    }

    /// <summary>The port of an endpoint URL such as http://0.0.0.0:5110 or http://*:5110.</summary>
    public static int? PortOf(string? url)
    {
        if (url is null)
        {
            return null;
        }
        var match = UrlPort().Match(url);
        return match.Success ? ParseInt(match.Groups["port"].Value) : null;
    }

    public static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Tye's env: a list of {name, value} or of NAME=VALUE strings.</summary>
    private static Dictionary<string, string> TyeEnv(IReadOnlyList<object?> entries)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            switch (entry)
            {
                case Dictionary<string, object?> pair when Yaml.Str(pair, "name") is { } name:
                    env[name] = Yaml.Str(pair, "value") ?? "";
                    break;
                case string compact when compact.IndexOf('=', StringComparison.Ordinal) is > 0 and var at:
                    env[compact[..at]] = compact[(at + 1)..].Trim('"');
                    break;
                default:
                    break;
            }
        }
        return env;
    }

    [GeneratedRegex("""^Project\("\{[^}]*\}"\)\s*=\s*"[^"]*"\s*,\s*"(?<path>[^"]*)"\s*,""", RegexOptions.Multiline)]
    private static partial Regex SolutionProjectLine();

    [GeneratedRegex("""^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*:(?<port>[0-9]+)/?$""")]
    private static partial Regex UrlPort();
}
