using System.Net;
using System.Net.Sockets;

namespace CarTConsortium.Testing;

/// <summary>
/// Loopback ports for the apps a test starts. A port the OS hands out for "any free port"
/// comes from the ephemeral range, and after it is released an outgoing connection of a
/// parallel test may take it before the app binds it. These come from below that range
/// (Linux: 32768 and up), where the OS never picks, each process from its own stretch, and
/// each is checked to be free.
/// </summary>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Last = 32_000;

    private static int _next = First + (Environment.ProcessId % 60 * 200);

    public static int Next()
    {
        for (var tries = 0; tries < Last - First; tries++)
        {
            var candidate = First + ((Interlocked.Increment(ref _next) - First) % (Last - First));
            if (IsFree(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"No free loopback port between {First} and {Last}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
