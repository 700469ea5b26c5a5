using Microsoft.IdentityModel.Tokens;

namespace CarTConsortium.ServiceDefaults.Security;

/// <summary>
/// The lifetime rule of an access token, without I/O: it must expire, must not be used before
/// <c>nbf</c> nor claim to be issued (<c>iat</c>) in the future beyond the clock skew, must not
/// have expired, and may not live longer than the bound, counted from <c>iat</c>, from <c>nbf</c>
/// and from now. A token "valid for fifty years" or "issued ten years from now" is what a
/// stolen signing key or a broken provider mints; refusing it bounds the damage of either.
/// </summary>
public static class TokenLifetimeRule
{
    /// <summary>Throws the exception that names what is wrong; returns when the lifetime is acceptable.</summary>
    public static void Check(DateTime? notBefore, DateTime? issuedAt, DateTime? expires, DateTime now, TimeSpan skew, TimeSpan maxLifetime)
    {
        if (expires is not { } expiry)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }
        if (notBefore is { } start && start > now + skew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = start };
        }
        if (issuedAt is { } issued && issued > now + skew)
        {
            throw new TokenIssuedInFutureException(issued);
        }
        if (expiry < now - skew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expiry };
        }
        // Each start the token names, and now: a token without iat/nbf is still bounded.
        foreach (var from in new[] { issuedAt, notBefore, now })
        {
            if (from is { } origin && expiry - origin > maxLifetime + skew)
            {
                throw new TokenLifetimeTooLongException(expiry - origin, maxLifetime);
            }
        }
    }
}

/// <summary>A token whose <c>iat</c> lies in the future beyond the clock skew.</summary>
public sealed class TokenIssuedInFutureException(DateTime issuedAt)
    : SecurityTokenNotYetValidException("The token claims to be issued in the future.")
{
    public DateTime IssuedAt { get; } = issuedAt;
}

/// <summary>A token that would stay valid longer than the federation allows.</summary>
public sealed class TokenLifetimeTooLongException(TimeSpan lifetime, TimeSpan maxLifetime)
    : SecurityTokenInvalidLifetimeException($"The token's lifetime ({lifetime}) exceeds the bound ({maxLifetime}).")
{
    public TimeSpan Lifetime { get; } = lifetime;
    public TimeSpan MaxLifetime { get; } = maxLifetime;
}
