using CarTConsortium.Identity.Keys;
using CarTConsortium.Identity.Storage;
using CarTConsortium.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// Two replicas' key rings on one database, asked at the same instant whenever a key is due (the first
/// key, each successor): both generate a key, only one is stored, and both publish and sign with it.
/// Rotation 30 days, published 2 days ahead (the defaults).
/// </summary>
public sealed class KeyRingRaceTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("cartc-identity-race-");

    [Fact]
    public async Task Two_rings_rotating_at_once_keep_one_key_per_period_and_agree_on_it()
    {
        var start = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(start);
        var settings = ReplicaStores.Settings(Path.Combine(_folder, "identity.db"));
        await using var first = ReplicaStores.Replica(settings, clock);
        await using var second = ReplicaStores.Replica(settings, clock);
        await ReplicaStores.MigrateAsync(first);
        var rings = new[] { first, second }.Select(r => r.GetRequiredService<SigningKeyRing>()).ToList();

        for (var period = 0; period < 4; period++)
        {
            // Inside the lead time of the next key (for period 0: the very first key), then after its activation.
            clock.SetUtcNow(period == 0 ? start : start + (TimeSpan.FromDays(30) * period) - TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
            var published = await BothAsync(rings);
            Assert.Equal(Kids(published[0]), Kids(published[1]));
            Assert.Equal(Kids(published[0]), await StoredSigningKidsAsync(first));

            clock.SetUtcNow(start + (TimeSpan.FromDays(30) * period) + TimeSpan.FromMinutes(1));
            var active = await BothAsync(rings);
            Assert.Equal(active[0].Signing.Kid, active[1].Signing.Kid);
            Assert.Equal(Kids(active[0]), Kids(active[1]));
        }

        await using var scope = first.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<IdentityStore>().Keys.AsNoTracking().ToListAsync();
        Assert.Single(keys, k => k.Use == KeyMaterial.Encryption);
        // Four periods, four keys ever (retired ones included in the generations): 0, 1, 2, 3 and no more.
        Assert.Equal(3, keys.Where(k => k.Use == KeyMaterial.Signing).Max(k => k.Generation));
    }

    [Fact]
    public void A_first_key_another_replica_created_a_moment_later_by_its_clock_signs_at_once()
    {
        var now = DateTimeOffset.UtcNow;

        Assert.Equal(0, KeySchedule.ActiveIndex([now + TimeSpan.FromMilliseconds(3)], now));
        Assert.Equal(0, KeySchedule.ActiveIndex([now - TimeSpan.FromDays(1), now + TimeSpan.FromDays(1)], now));
        Assert.Equal(1, KeySchedule.ActiveIndex([now - TimeSpan.FromDays(31), now - TimeSpan.FromDays(1)], now));
        Assert.Equal(-1, KeySchedule.ActiveIndex([], now));
    }

    private static async Task<KeyRingSnapshot[]> BothAsync(List<SigningKeyRing> rings) =>
        await Task.WhenAll(rings.Select(ring => Task.Run(ring.Current)));

    private static List<string> Kids(KeyRingSnapshot snapshot) => [.. snapshot.Published.Select(k => k.KeyId).Order(StringComparer.Ordinal)];

    private static async Task<List<string>> StoredSigningKidsAsync(IServiceProvider replica)
    {
        await using var scope = replica.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<IdentityStore>().Keys.AsNoTracking()
            .Where(k => k.Use == KeyMaterial.Signing).Select(k => k.Id).ToListAsync();
        return [.. keys.Order(StringComparer.Ordinal)];
    }

    public void Dispose() => _folder.Dispose();
}
