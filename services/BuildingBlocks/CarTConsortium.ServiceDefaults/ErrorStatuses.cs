using CarTConsortium.BuildingBlocks.Errors;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;

namespace CarTConsortium.ServiceDefaults;

/// <summary>The google.rpc.Status of the platform's errors, one shape whether a handler or a guard before it refuses.</summary>
public static class ErrorStatuses
{
    /// <summary>INVALID_ARGUMENT with a google.rpc.BadRequest field violation per problem.</summary>
    public static Google.Rpc.Status InvalidArgument(InvalidArgumentException invalid)
    {
        ArgumentNullException.ThrowIfNull(invalid);
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(invalid.Violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = invalid.Message,
            Details = { Any.Pack(badRequest) },
        };
    }
}
