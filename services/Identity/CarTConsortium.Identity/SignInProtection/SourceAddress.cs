using System.Net;
using System.Net.Sockets;

namespace CarTConsortium.Identity.SignInProtection;

/// <summary>The key under which a client address's failures are counted.</summary>
public static class SourceAddress
{
    /// <summary>
    /// IPv4 as is (IPv4-mapped IPv6 as IPv4); IPv6 by its /64 prefix, since one host usually
    /// holds a whole /64 and could otherwise move to a fresh address for every guess.
    /// </summary>
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
