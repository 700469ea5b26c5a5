using CarTConsortium.Testing;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>One KZ provider shared by the protocol tests of a class; each test brings its own browser.</summary>
public sealed class ProviderFixture : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new("cartc-identity-");

    public IdentityProviderHost Provider { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Provider = await IdentityProviderHost.StartAsync("KZ", _folder);

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        _folder.Dispose();
    }
}
