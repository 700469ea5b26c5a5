using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CarTConsortium.Deployment.Tests;

internal sealed record AppPorts(int? Http, int? Grpc)
{
    public override string ToString() => $"http {Show(Http)} / grpc {Show(Grpc)}";

    private static string Show(int? port) => port?.ToString(CultureInfo.InvariantCulture) ?? "(none)";
}

/// <summary>
/// What an app of the port plan is: the gateway, a service (Dapr sidecar, MongoDB, an http and
/// a grpc port), or an identity provider (one binary run per country and for the consortium:
/// an http port only, no Dapr, no MongoDB, no gateway cluster), or the portal (a client of the
/// gateway people use in a browser: an http port only, no Dapr, no MongoDB, no gateway cluster).
/// </summary>
internal enum AppKind
{
    Gateway,
    Service,
    IdentityProvider,
    Portal,
}

/// <summary>One app host's appsettings.json: the services' hosts and the gateway's (not the identity host's, which serves several apps).</summary>
internal sealed record HostSettings(
    string File,
    string AppId,
    AppPorts Ports,
    string? PubSubName,
    string? MongoDatabase,
    IReadOnlyDictionary<string, string> Settings)
{
    public bool IsGateway => AppId == Files.GatewayAppId;

    /// <summary>A service of the platform (Dapr sidecar, MongoDB), not the gateway or the portal.</summary>
    public bool IsService => Files.KindOf(AppId) == AppKind.Service;

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

    /// <summary>The container's environment as the app sees it: envFrom ConfigMaps first, then env (which wins); valueFrom entries are left out.</summary>
    public IReadOnlyDictionary<string, string> Environment(IReadOnlyList<Manifest> manifests)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in Yaml.Seq(Spec, "envFrom"))
        {
            var name = Yaml.Str(source, "configMapRef", "name");
            var map = manifests.FirstOrDefault(m => m.Kind == "ConfigMap" && m.Name == name);
            foreach (var (key, value) in Yaml.Map(map?.Doc, "data") ?? [])
            {
                environment[key] = value as string ?? "";
            }
        }
        foreach (var entry in Env)
        {
            if (Yaml.Str(entry, "name") is { } name && Yaml.Str(entry, "value") is { } value)
            {
                environment[name] = value;
            }
        }
        return environment;
    }

    /// <summary>The ConfigMaps the container takes its environment from that the manifests do not define.</summary>
    public IEnumerable<string> MissingConfigMaps(IReadOnlyList<Manifest> manifests) =>
        Yaml.Seq(Spec, "envFrom").Select(s => Yaml.Str(s, "configMapRef", "name")).OfType<string>()
            .Where(name => !manifests.Any(m => m.Kind == "ConfigMap" && m.Name == name));

    public Dictionary<string, object?>? EnvEntry(string name) => Env.FirstOrDefault(e => Yaml.Str(e, "name") == name);
}

/// <summary>The deployment files and the settings they must agree with.</summary>
internal static partial class Files
{
    public const string GatewayAppId = "gateway";
    public const string PortalAppId = "portal";
    public const string Tye = "tye.yaml";
    public const string StandaloneSettings = "services/Standalone/appsettings.json";
    public const string GatewaySettings = "gateway/CarTConsortium.Gateway.Host/appsettings.json";
    public const string IdentityHostFolder = "services/Identity/CarTConsortium.Identity.Host";
    public const string IdentityHostSettings = IdentityHostFolder + "/appsettings.json";
    public const string IdentityHostProject = IdentityHostFolder + "/CarTConsortium.Identity.Host.csproj";
    public const string IdentityImageRepository = KubernetesNamespace + "/identity";

    /// <summary>The one place that says which version the manifests run; every image is built with it as its tag.</summary>
    public const string VersionFile = "deploy/VERSION";
    public const string IdentityAppPrefix = "identity-";
    public const string ConsortiumIdentityAppId = "identity-consortium";
    public const string GatewayRoutes = "gateway/CarTConsortium.Gateway/gateway.routes.json";
    public const string DaprComponents = "deploy/dapr/components";
    public const string DaprAlternatives = "deploy/dapr/alternatives";
    public const string Kubernetes = "deploy/kubernetes";
    public const string KubernetesNamespace = "cart-consortium";

    public static string Show(string path) => Repo.Display(path);

    /// <summary>An app's kind by its id: "gateway", "identity-consortium" or "identity-&lt;country&gt;", else a service.</summary>
    public static AppKind KindOf(string appId) =>
        appId == GatewayAppId ? AppKind.Gateway
        : appId == PortalAppId ? AppKind.Portal
        : appId.StartsWith(IdentityAppPrefix, StringComparison.Ordinal) ? AppKind.IdentityProvider
        : AppKind.Service;

    /// <summary>The country an identity provider app speaks for (identity-kz: KZ), null for the consortium's.</summary>
    public static string? CountryOf(string identityAppId) =>
        identityAppId == ConsortiumIdentityAppId ? null : identityAppId[IdentityAppPrefix.Length..].ToUpperInvariant();

    /// <summary>A settings file flattened to configuration keys ("A:B:0:C"), case-insensitive.</summary>
    public static Dictionary<string, string> Flatten(string path)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Walk(JsonElement element, string prefix)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}");
                    }
                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, $"{prefix}:{index++}");
                    }
                    break;
                case JsonValueKind.String:
                    settings[prefix] = element.GetString() ?? "";
                    break;
                case JsonValueKind.Null or JsonValueKind.Undefined:
                    break;
                default:
                    settings[prefix] = element.GetRawText();
                    break;
            }
        }
        Walk(Json.Load(path), "");
        return settings;
    }

    /// <summary>Settings with environment variables laid over them, as configuration does (A__B is A:B).</summary>
    public static Dictionary<string, string> Overlay(IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string> environment)
    {
        var result = new Dictionary<string, string>(settings, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment)
        {
            result[name.Replace("__", ":", StringComparison.Ordinal)] = value;
        }
        return result;
    }

    /// <summary>The identity host's own settings (shared by every identity provider app).</summary>
    public static IReadOnlyDictionary<string, string> IdentityHostSettingsFlat() => Flatten(Repo.PathOf(IdentityHostSettings));

    /// <summary>The ports an app's Kestrel endpoints give, from flattened settings.</summary>
    public static AppPorts PortsIn(IReadOnlyDictionary<string, string> settings) =>
        new(PortOf(settings.GetValueOrDefault("Kestrel:Endpoints:Http:Url")), PortOf(settings.GetValueOrDefault("Kestrel:Endpoints:Grpc:Url")));

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
    /// for each service (whose Eventing:AppId names the app). The identity host is not among them:
    /// it is one binary for several apps (identity-*), whose identity comes from the environment.
    /// </summary>
    public static IReadOnlyList<HostSettings> Hosts()
    {
        var files = new List<string> { Repo.PathOf(GatewaySettings) };
        foreach (var service in Directory.GetDirectories(Repo.PathOf("services")).Order(StringComparer.Ordinal))
        {
            files.AddRange(Directory.GetDirectories(service, "CarTConsortium.*.Host")
                .Select(host => Path.Combine(host, "appsettings.json"))
                .Where(File.Exists)
                .Where(file => Show(file) != IdentityHostSettings)
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
                Flatten(file));
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

    /// <summary>The Service an Ingress rule of the manifests sends a host to (on its http port), or null.</summary>
    public static string? IngressRoutes(IReadOnlyList<Manifest> manifests, string host) =>
        IngressRules(manifests).Where(r => r.Host == host).Select(r => r.Service).FirstOrDefault();

    /// <summary>The hosts Ingress rules of the manifests send to a Service (on its http port).</summary>
    public static IEnumerable<string> IngressHostsOf(IReadOnlyList<Manifest> manifests, string service) =>
        IngressRules(manifests).Where(r => r.Service == service).Select(r => r.Host);

    private static IEnumerable<(string Host, string Service)> IngressRules(IReadOnlyList<Manifest> manifests) =>
        from rule in manifests.Where(m => m.Kind == "Ingress").SelectMany(m => Yaml.Seq(m.Doc, "spec", "rules"))
        let host = Yaml.Str(rule, "host")
        from path in Yaml.Seq(rule, "http", "paths")
        where Yaml.Str(path, "path") == "/"
        let service = Yaml.Map(path, "backend", "service")
        where Yaml.Str(service, "port", "name") == "http" || Yaml.Int(service, "port", "number") is not null
        let name = Yaml.Str(service, "name")
        where host is not null && name is not null
        select (host, name);

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
