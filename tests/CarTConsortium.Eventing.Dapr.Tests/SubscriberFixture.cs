namespace CarTConsortium.Eventing.Dapr.Tests;

/// <summary>One subscribing app for the whole collection; every test uses its own event ids.</summary>
public sealed class SubscriberFixture : IAsyncLifetime
{
    private SubscriberApp? _app;

    public SubscriberApp App => _app ?? throw new InvalidOperationException("The subscriber app has not started.");

    public async ValueTask InitializeAsync() => _app = await SubscriberApp.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SubscriberCollection : ICollectionFixture<SubscriberFixture>
{
    public const string Name = "subscriber";
}
