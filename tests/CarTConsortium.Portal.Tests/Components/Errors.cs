using CarTConsortium.Portal.Errors;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace CarTConsortium.Portal.Tests.Components;

/// <summary>RPC failures as the gateway sends them: a google.rpc.Status with its details in the trailers.</summary>
internal static class Errors
{
    public static RpcException BadRequest(params (string Field, string Description)[] violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "The request has invalid fields.",
            Details = { Any.Pack(badRequest) },
        }.ToRpcException();
    }

    public static PortalError Of(StatusCode code, string detail = "internal detail") => PortalError.From(new RpcException(new Grpc.Core.Status(code, detail)));
}
