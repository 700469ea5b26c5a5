using Google.Protobuf;
using Grpc.Core;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>
/// A gateway for component tests: each unary call is answered by the handler registered for
/// its method name (a queue, so successive calls can get different answers), like the
/// generated clients see a real one.
/// </summary>
internal sealed class FakeGateway : CallInvoker
{
    private readonly Dictionary<string, Queue<Func<IMessage, IMessage>>> _answers = new(StringComparer.Ordinal);

    public List<IMessage> Requests { get; } = [];

    public FakeGateway Answer<TRequest>(string method, Func<TRequest, IMessage> answer) where TRequest : IMessage
    {
        if (!_answers.TryGetValue(method, out var queue))
        {
            _answers[method] = queue = new Queue<Func<IMessage, IMessage>>();
        }
        queue.Enqueue(request => answer((TRequest)request));
        return this;
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Requests.Add((IMessage)request);
        Task<TResponse> response;
        if (_answers.TryGetValue(method.Name, out var queue) && queue.Count > 0)
        {
            var answer = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
            try
            {
                response = Task.FromResult((TResponse)answer((IMessage)request));
            }
            catch (RpcException e)
            {
                response = Task.FromException<TResponse>(e);
            }
        }
        else
        {
            response = Task.FromException<TResponse>(new RpcException(new Status(StatusCode.Unimplemented, method.Name)));
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
