using CarTConsortium.BuildingBlocks.Errors;
using CarTConsortium.BuildingBlocks.Security;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>The role-level rule of one RPC: the scope its token must carry and the roles that may call it.</summary>
public sealed record RpcRule(string Method, string Scope, IReadOnlySet<string> Roles);

/// <summary>
/// Every RPC's role-level rule, declared next to the service's wiring. Start-up fails when
/// an RPC of a declared service has no rule, and a call to an RPC without one is denied:
/// an RPC added without a rule is closed, not open. Object-level rules ("only for your own
/// country") live in the use cases, which get the <see cref="Caller"/>.
/// </summary>
public sealed class RpcAccessRules
{
    // Served by every app for probes and tooling; they carry no consortium data.
    private static readonly string[] InfrastructureServices = ["grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection", "grpc.reflection.v1.ServerReflection"];

    private readonly Dictionary<string, RpcRule> _rules = new(StringComparer.Ordinal);

    public IEnumerable<RpcRule> All => _rules.Values;

    /// <summary>Declares the rules of every method of <paramref name="service"/>; its tokens must carry <paramref name="scope"/>.</summary>
    public RpcAccessRules Service(ServiceDescriptor service, string scope, Action<ServiceRules> declare)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(declare);
        var rules = new ServiceRules(service, scope);
        declare(rules);
        var missing = service.Methods.Select(m => m.Name).Except(rules.Declared.Keys).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"{service.FullName}: no access rule for {string.Join(", ", missing)}.");
        }
        foreach (var (method, roles) in rules.Declared)
        {
            var path = $"/{service.FullName}/{method}";
            _rules[path] = new RpcRule(path, scope, roles);
        }
        return this;
    }

    public RpcRule? Find(string method) => _rules.GetValueOrDefault(method);

    public static bool IsInfrastructure(string method) =>
        InfrastructureServices.Any(s => method.StartsWith('/' + s + '/', StringComparison.Ordinal));

    /// <summary>The rules of one service, method by method.</summary>
    public sealed class ServiceRules(ServiceDescriptor service, string scope)
    {
        internal Dictionary<string, IReadOnlySet<string>> Declared { get; } = new(StringComparer.Ordinal);

        public string Scope { get; } = scope;

        /// <summary>Lets callers holding any of <paramref name="roles"/> call <paramref name="method"/>.</summary>
        public ServiceRules Allow(string method, params string[] roles)
        {
            if (service.FindMethodByName(method) is null)
            {
                throw new InvalidOperationException($"{service.FullName} has no method '{method}'.");
            }
            var unknown = roles.Except(Roles.All).ToList();
            if (roles.Length == 0 || unknown.Count > 0)
            {
                throw new InvalidOperationException($"{service.FullName}/{method}: roles must be platform roles ({string.Join(", ", unknown)}).");
            }
            Declared.Add(method, roles.ToHashSet(StringComparer.Ordinal));
            return this;
        }

        /// <summary>Lets every authenticated role call <paramref name="method"/> (reads of shared reference data).</summary>
        public ServiceRules AllowAnyRole(string method) => Allow(method, [.. Roles.All]);
    }
}

/// <summary>Checks the caller's token against the RPC's rule before the service method runs.</summary>
public sealed class RpcAccessInterceptor(RpcAccessRules rules) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (RpcAccessRules.IsInfrastructure(context.Method))
        {
            return;
        }
        var user = context.GetHttpContext().User;
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "A valid access token is required."));
        }
        var rule = rules.Find(context.Method)
            ?? throw new PermissionDeniedException("This operation has no access rule, so nobody may call it.");
        var caller = Caller.FromClaims(user);
        if (!Scopes(user).Contains(rule.Scope))
        {
            throw new PermissionDeniedException($"The access token was not issued for the '{rule.Scope}' scope.");
        }
        if (!rule.Roles.Overlaps(caller.Roles))
        {
            throw new PermissionDeniedException("Your role may not perform this operation.");
        }
    }

    private static HashSet<string> Scopes(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindAll(PlatformClaims.Scope)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
}

public static class RpcAccessExtensions
{
    /// <summary>Declares the rules of a service's RPCs and enforces them on every call.</summary>
    public static IServiceCollection AddRpcAccess(this IServiceCollection services, ServiceDescriptor service, string scope, Action<RpcAccessRules.ServiceRules> declare)
    {
        var rules = services.LastOrDefault(d => d.ServiceType == typeof(RpcAccessRules))?.ImplementationInstance as RpcAccessRules;
        if (rules is null)
        {
            rules = new RpcAccessRules();
            services.AddSingleton(rules);
            services.Configure<GrpcServiceOptions>(options => options.Interceptors.Add<RpcAccessInterceptor>());
        }
        rules.Service(service, scope, declare);
        return services;
    }

    /// <summary>The caller of this RPC, from its validated token.</summary>
    public static Caller Caller(this ServerCallContext context) =>
        BuildingBlocks.Security.Caller.FromClaims(context.GetHttpContext().User);
}
