using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;

namespace CarTConsortium.Portal.Session;

/// <summary>
/// The server side of a session: the whole authentication ticket (claims and the access,
/// refresh and ID tokens), encrypted, in the distributed cache under the session key. The
/// browser's cookie carries the key alone. In memory unless the host registers another
/// <see cref="IDistributedCache"/> (e.g. Redis, so that several replicas share sessions).
/// </summary>
public sealed class SessionTicketStore(IDistributedCache cache, IDataProtectionProvider protection, PortalOptions options) : ITicketStore
{
    private const string Prefix = "cartc-portal-session:";
    private readonly IDataProtector _protector = protection.CreateProtector("CarTConsortium.Portal.Session");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        // The key is chosen at sign-in and kept as a claim, so the circuit can find its tokens too.
        var key = PortalClaims.SessionOf(ticket.Principal) ?? Guid.NewGuid().ToString("N");
        await RenewAsync(key, ticket);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        var entry = new DistributedCacheEntryOptions { SlidingExpiration = options.SessionIdleTimeout };
        if (ticket.Properties.ExpiresUtc is { } expires)
        {
            entry.AbsoluteExpiration = expires;
        }
        await cache.SetAsync(Prefix + key, _protector.Protect(TicketSerializer.Default.Serialize(ticket)), entry, cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await cache.GetAsync(Prefix + key, cancellationToken);
        return bytes is null ? null : TicketSerializer.Default.Deserialize(_protector.Unprotect(bytes));
    }

    public Task RemoveAsync(string key) => cache.RemoveAsync(Prefix + key);
}
