using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CarTConsortium.Eventing.Dapr.Tests;

/// <summary>
/// Stands in for daprd's gRPC API: answers PublishEvent as the sidecar does once the
/// broker took the message, and records each request exactly as it came over the wire.
/// </summary>
public sealed class RecordedSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<PublishEventRequest> _published = Channel.CreateUnbounded<PublishEventRequest>();
    private readonly ConcurrentQueue<(int Code, string Detail)> _refusals = new();

    private RecordedSidecar(WebApplication app) => _app = app;

    /// <summary>The address to give a DaprClient as its gRPC endpoint.</summary>
    public string GrpcEndpoint { get; private set; } = "";

    public static async Task<RecordedSidecar> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // gRPC without TLS needs an endpoint that speaks HTTP/2 alone (h2c with prior knowledge).
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var sidecar = new RecordedSidecar(app);
        app.MapPost("/dapr.proto.runtime.v1.Dapr/PublishEvent", sidecar.PublishEventAsync);
        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        sidecar.GrpcEndpoint = $"http://127.0.0.1:{bound.Port}";
        return sidecar;
    }

    /// <summary>The next recorded publish; fails the test if none arrives in time.</summary>
    public async Task<PublishEventRequest> NextPublishAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _published.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Answers the next publish with this gRPC status instead of accepting it, as daprd does when it refuses one.</summary>
    public void RefuseNext(int grpcStatus, string detail) => _refusals.Enqueue((grpcStatus, detail));

    private async Task PublishEventAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        var frame = body.GetBuffer().AsMemory(0, (int)body.Length);

        // A gRPC message: 1 byte compressed flag, 4 bytes big-endian length, the message.
        if (frame.Length < 5 || frame.Span[0] != 0)
        {
            throw new InvalidOperationException("Expected one uncompressed gRPC frame.");
        }
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(frame.Span[1..5]);
        var request = PublishEventRequest.Parser.ParseFrom(frame.Slice(5, length).Span);
        if (_refusals.TryDequeue(out var refusal))
        {
            // A trailers-only answer: no message, the status in the trailers.
            http.Response.ContentType = "application/grpc";
            http.Response.AppendTrailer("grpc-status", refusal.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            http.Response.AppendTrailer("grpc-message", refusal.Detail);
            return;
        }
        await _published.Writer.WriteAsync(request, http.RequestAborted);

        var reply = new Empty().ToByteArray();
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)reply.Length);
        http.Response.ContentType = "application/grpc";
        await http.Response.Body.WriteAsync(header, http.RequestAborted);
        await http.Response.Body.WriteAsync(reply, http.RequestAborted);
        http.Response.AppendTrailer("grpc-status", "0");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
