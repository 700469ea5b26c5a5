using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CarTConsortium.Identity.Storage;

/// <summary>Finds people and checks their passwords against the stored hashes.</summary>
public sealed class UserDirectory(IdentityStore store, IPasswordHasher<UserAccount> hasher)
{
    // Checked when the user name is unknown, so a wrong name costs as much time as a wrong password.
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<UserAccount>().HashPassword(new UserAccount(), Guid.NewGuid().ToString()));

    public Task<UserAccount?> FindByIdAsync(string? id, CancellationToken ct) =>
        string.IsNullOrEmpty(id) ? Task.FromResult<UserAccount?>(null) : store.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);

    /// <summary>The user if the password is theirs; null for an unknown name or a wrong password alike.</summary>
    public async Task<UserAccount?> CheckPasswordAsync(string userName, string password, CancellationToken ct)
    {
        var normalized = UserAccount.Normalize(userName);
        var user = await store.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUserName == normalized, ct);
        if (user is null)
        {
            hasher.VerifyHashedPassword(new UserAccount(), DecoyHash.Value, password);
            return null;
        }
        return hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed ? null : user;
    }
}
