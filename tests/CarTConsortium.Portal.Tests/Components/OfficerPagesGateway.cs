using Grpc.Core;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>
/// The gateway as the officer pages' gRPC clients see it, answering unary calls from handlers by method
/// (e.g. "GetPool"), and remembering every request, so that page tests need no running services.
/// </summary>
internal sealed class OfficerPagesGateway : CallInvoker
{
    private readonly Dictionary<string, Func<object, object>> _handlers = new(StringComparer.Ordinal);

    public List<(string Method, object Request)> Calls { get; } = [];

    /// <summary>Answers <paramref name="method"/>; the handler may throw an RpcException to fail the call.</summary>
    public OfficerPagesGateway On<TRequest, TResponse>(string method, Func<TRequest, TResponse> handler)
    {
        _handlers[method] = request => handler((TRequest)request)!;
        return this;
    }

    public IEnumerable<TRequest> Requests<TRequest>(string method) => Calls.Where(c => c.Method == method).Select(c => (TRequest)c.Request);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Calls.Add((method.Name, request));
        Task<TResponse> response;
        try
        {
            response = _handlers.TryGetValue(method.Name, out var handler)
                ? Task.FromResult((TResponse)handler(request))
                : throw new RpcException(new Status(StatusCode.Unimplemented, method.Name + " is not faked"));
        }
        catch (RpcException e)
        {
            response = Task.FromException<TResponse>(e);
        }
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException("pages call asynchronously");

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}
