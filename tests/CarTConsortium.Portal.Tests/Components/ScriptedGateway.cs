using Grpc.Core;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>
/// The gateway as the portal's generated gRPC clients see it, answering each unary call from the handlers
/// scripted for its method (e.g. "GetPool") and remembering every request, so that page tests need no
/// running services. Scripting a method more than once answers successive calls in turn; the last answer
/// then repeats. A handler may throw an <see cref="RpcException"/> to fail the call; a method nobody
/// scripted fails with UNIMPLEMENTED.
/// </summary>
internal sealed class ScriptedGateway : CallInvoker
{
    private readonly Dictionary<string, Queue<Func<object, object>>> _answers = new(StringComparer.Ordinal);

    public List<(string Method, object Request)> Calls { get; } = [];

    public ScriptedGateway On<TRequest, TResponse>(string method, Func<TRequest, TResponse> handler)
    {
        if (!_answers.TryGetValue(method, out var queue))
        {
            _answers[method] = queue = new Queue<Func<object, object>>();
        }
        queue.Enqueue(request => handler((TRequest)request)!);
        return this;
    }

    /// <summary>The requests sent to <paramref name="method"/>, oldest first.</summary>
    public IEnumerable<TRequest> Requests<TRequest>(string method) => Calls.Where(c => c.Method == method).Select(c => (TRequest)c.Request);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Calls.Add((method.Name, request));
        Task<TResponse> response;
        try
        {
            response = _answers.TryGetValue(method.Name, out var queue) && queue.Count > 0
                ? Task.FromResult((TResponse)(queue.Count > 1 ? queue.Dequeue() : queue.Peek())(request))
                : throw new RpcException(new Status(StatusCode.Unimplemented, method.Name + " is not scripted"));
        }
        catch (RpcException e)
        {
            response = Task.FromException<TResponse>(e);
        }
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException("The portal makes asynchronous calls only.");

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new NotSupportedException();
}
