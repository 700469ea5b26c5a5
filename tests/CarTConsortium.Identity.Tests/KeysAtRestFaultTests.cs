using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using CarTConsortium.BuildingBlocks.Settings;
using CarTConsortium.Identity.Keys;
using CarTConsortium.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CarTConsortium.Identity.Tests;

/// <summary>
/// Secrets at rest (issue 15, failure 9): a copy of the provider's database must not hand out its
/// private keys, and the file must not be readable by other users of the machine.
/// </summary>
public sealed class KeysAtRestFaultTests : IDisposable
{
    private const string Setting = "Identity:SigningKeys:EncryptionKey";

    private readonly TemporaryFolder _folder = new("cartc-identity-rest-");

    private string Database => Path.Combine(_folder, "identity-KZ.db");

    [Fact]
    public async Task The_stored_private_keys_are_not_the_plain_keys()
    {
        await using var provider = await IdentityProviderHost.StartAsync("KZ", _folder);
        var snapshot = provider.Services.GetRequiredService<SigningKeyRing>().Current();
        var privateParts = new[] { (RsaSecurityKey)snapshot.Signing.Key, (RsaSecurityKey)snapshot.Encryption.Key }
            .Select(k => k.Rsa.ExportParameters(includePrivateParameters: true).D!).ToList();

        var stored = await StoredKeysAsync();

        Assert.Equal(2, stored.Count);
        foreach (var (_, blob) in stored)
        {
            Assert.True(KeyProtector.IsProtected(blob));
            Assert.Throws<CryptographicException>(() => RSA.Create().ImportPkcs8PrivateKey(blob, out _));
            Assert.All(privateParts, d => Assert.True(blob.AsSpan().IndexOf(d) < 0, "A private exponent is stored in clear."));
        }
    }

    [Fact]
    public async Task Keys_stored_in_clear_by_an_older_version_are_encrypted_at_start_and_keep_signing()
    {
        var port = IdentityProviderHost.FreePort();
        string kid;
        Dictionary<string, byte[]> clear;
        await using (var first = await IdentityProviderHost.StartAsync("KZ", _folder, port: port))
        {
            kid = Assert.Single(await first.PublishedKidsAsync());
            var snapshot = first.Services.GetRequiredService<SigningKeyRing>().Current();
            clear = new Dictionary<string, byte[]>
            {
                [snapshot.Signing.Kid] = ((RsaSecurityKey)snapshot.Signing.Key).Rsa.ExportPkcs8PrivateKey(),
                [snapshot.Encryption.Key.KeyId!] =
                    ((RsaSecurityKey)snapshot.Encryption.Key).Rsa.ExportPkcs8PrivateKey(),
            };
        }
        // What an older version left: keys in clear (its schema, made before migrations, is MigrationTests' case).
        foreach (var (id, pkcs8) in clear)
        {
            await ExecuteAsync("UPDATE IdentityKeys SET PrivateKey = $key WHERE Id = $id", ("$key", pkcs8), ("$id", id));
        }

        await using var second = await IdentityProviderHost.StartAsync("KZ", _folder, port: port);

        Assert.All(await StoredKeysAsync(), k => Assert.True(KeyProtector.IsProtected(k.Blob), k.Id));
        // Nor do the clear bytes linger in the file's freed pages or its write-ahead log.
        foreach (var file in new[] { Database, Database + "-wal" }.Where(File.Exists))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.All(clear, key => Assert.True(bytes.AsSpan().IndexOf(key.Value.AsSpan(0, 64)) < 0, $"{Path.GetFileName(file)} still holds key {key.Key} in clear"));
        }
        Assert.Equal([kid], await second.PublishedKidsAsync());
        var token = await second.ClientCredentialsTokenAsync();
        Assert.Equal(kid, IdentityProviderHost.Kid(token));
        Assert.True((await second.ValidateAsync(token)).IsValid);
        var (status, _) = await second.TokenAsync(("grant_type", "client_credentials"),
            ("client_id", IdentityProviderHost.HospitalClient), ("client_secret", "not-the-secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task A_wrong_encryption_key_fails_the_start_with_a_message_naming_the_setting()
    {
        var port = IdentityProviderHost.FreePort();
        await using (await IdentityProviderHost.StartAsync("KZ", _folder, port: port))
        {
        }
        var otherKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            IdentityProviderHost.StartAsync("KZ", _folder, port: port, adjust: s => s[Setting] = otherKey));

        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains($"{Setting} does not decrypt the key", messages, StringComparison.Ordinal);
        Assert.DoesNotContain(otherKey, messages, StringComparison.Ordinal);
        Assert.DoesNotContain(IdentityProviderHost.EncryptionKey, messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "Identity:SigningKeys:EncryptionKey = '': is required")]
    [InlineData("c2hvcnQ=", "Identity:SigningKeys:EncryptionKey = '(hidden)': must be base64 of exactly 32 bytes")]
    [InlineData("not base64 at all, and long enough to be a key!", "Identity:SigningKeys:EncryptionKey = '(hidden)': must be base64")]
    public void A_missing_or_malformed_encryption_key_is_named_without_repeating_it(string? value, string expected)
    {
        var settings = IdentityProviderHost.Settings("KZ", Database, 5999);
        settings[Setting] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var error = Assert.Throws<OptionsValidationException>(() => { configuration.GetValidatedSettings<IdentitySettings, IdentitySettingsValidator>(); });

        var failure = Assert.Single(error.Failures);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.True(value is null || !failure.Contains(value, StringComparison.Ordinal));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_database_file_and_its_new_folder_are_for_the_service_user_only_and_an_open_file_is_narrowed()
    {
        var database = Path.Combine(_folder, "private", "identity.db");
        var port = IdentityProviderHost.FreePort();
        await using (await IdentityProviderHost.StartAsync("KZ", _folder, port: port, adjust: s => s["Identity:Database"] = $"Data Source={database}"))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(database)!));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database));
        }
        // As an older version left it: readable by everybody.
        File.SetUnixFileMode(database, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using (await IdentityProviderHost.StartAsync("KZ", _folder, port: port, adjust: s => s["Identity:Database"] = $"Data Source={database}"))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(database));
        }
    }

    private static IEnumerable<Exception> Chain(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            yield return error;
        }
    }

    private SqliteConnection Open() => new($"Data Source={Database};Pooling=False");

    private async Task<List<(string Id, byte[] Blob)>> StoredKeysAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id, PrivateKey FROM IdentityKeys";
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<(string, byte[])>();
        while (await reader.ReadAsync())
        {
            keys.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
        }
        return keys;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose() => _folder.Dispose();
}
