using System.Diagnostics;
using CarTConsortium.BuildingBlocks.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.ServiceDefaults;

/// <summary>
/// Turns the platform's exceptions into gRPC statuses (ARCHITECTURE.md, "Errors"). Bad input
/// carries google.rpc.BadRequest field violations. Anything unexpected becomes INTERNAL with
/// a trace id to quote, and its details go to the log only.
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case InvalidArgumentException invalid:
                return ErrorStatuses.InvalidArgument(invalid).ToRpcException();
            case NotFoundException:
                return Status(StatusCode.NotFound, exception.Message);
            case AlreadyExistsException:
                return Status(StatusCode.AlreadyExists, exception.Message);
            case RuleViolationException:
                return Status(StatusCode.FailedPrecondition, exception.Message);
            case ConcurrencyConflictException:
                return Status(StatusCode.Aborted, exception.Message);
            case PermissionDeniedException:
                return Status(StatusCode.PermissionDenied, exception.Message);
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return Status(StatusCode.Cancelled, "The call was cancelled.");
            default:
                var reference = Activity.Current?.TraceId.ToString() ?? context.GetHttpContext().TraceIdentifier;
                ErrorMappingLog.Unhandled(logger, exception, context.Method, reference);
                return Status(StatusCode.Internal, $"An internal error occurred. Quote reference {reference} to the platform operators.");
        }
    }

    private static RpcException Status(StatusCode code, string message) => new(new Grpc.Core.Status(code, message));
}

/// <summary>This file's log messages, source-generated.</summary>
internal static partial class ErrorMappingLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in {Method} (reference {Reference})")]
    public static partial void Unhandled(ILogger logger, Exception error, string method, string reference);
}
