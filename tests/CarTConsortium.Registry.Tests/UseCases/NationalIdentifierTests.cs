using System.Text;
using CarTConsortium.BuildingBlocks.Errors;
using Microsoft.Data.Sqlite;
using Xunit;
using static CarTConsortium.Registry.Tests.UseCases.RegistryWorld;

namespace CarTConsortium.Registry.Tests.UseCases;

/// <summary>
/// The national identifier is used to derive the pseudonym and for nothing else: after
/// enrolments, a refused re-enrolment and refused bad input, no byte of the database files
/// (main file, write-ahead log, shared memory) and no error message holds it in any form.
/// </summary>
/// <remarks>
/// The patient use cases take no logger and the SQLite adapter logs nothing, so the messages the
/// use cases can emit are their exceptions: those are collected whole (message and ToString).
/// </remarks>
public sealed class NationalIdentifierTests : IAsyncLifetime
{
    private const string Given = "qx 7301-4421-9086";
    private const string Normalised = "QX730144219086";
    private const string Digits = "730144219086";
    private const string SecondGiven = "Zq-5512 0043 7781";
    private const string SecondNormalised = "ZQ551200437781";
    private const string Cyrillic = "qx 7301-4421-9086 \u0416";

    private RegistryWorld _world = null!;

    public async ValueTask InitializeAsync() => _world = await CreateAsync();

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task No_database_file_and_no_error_holds_the_identifier_in_any_form()
    {
        var errors = new List<Exception>();
        var kazakh = await _world.EnrolAsync(AstanaClinician, Given, consents: Shared);
        var kyrgyz = await _world.EnrolAsync(AstanaClinician, SecondGiven, country: "KG");
        errors.Add(await Assert.ThrowsAsync<AlreadyExistsException>(() => _world.EnrolAsync(AlmatyClinician, Normalised)));
        errors.Add(await Assert.ThrowsAsync<AlreadyExistsException>(() => _world.EnrolAsync(AstanaCoordinator, Given.ToUpperInvariant())));
        errors.Add(await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.EnrolAsync(AstanaClinician, Cyrillic)));
        errors.Add(await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.EnrolAsync(AstanaClinician, Given + "99999999999999999999")));
        errors.Add(await Assert.ThrowsAsync<InvalidArgumentException>(() => _world.EnrolAsync(AstanaClinician, Given, birthYear: 1970)));
        errors.Add(await Assert.ThrowsAsync<PermissionDeniedException>(() => _world.EnrolAsync(AlmatyClinician, Given, institution: Astana)));
        errors.Add(await Assert.ThrowsAsync<RuleViolationException>(() => _world.EnrolAsync(AstanaClinician, Given, country: "UZ")));
        // Reads and the log of the enrolled children go through the database too.
        await _world.ReadAsync(AlmatyClinician, kazakh.Id);
        await _world.ReadAsync(AstanaClinician, kyrgyz.Id);
        await _world.ListAllAsync(Admin);

        // A connection of our own, outside the pool (another test may clear every pool at any time), keeps the
        // write-ahead log from being checkpointed and removed while the files are read.
        await using var holder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _world.DatabasePath, Pooling = false }.ToString());
        await holder.OpenAsync();
        await using (var count = holder.CreateCommand())
        {
            count.CommandText = "SELECT count(*) FROM documents";
            Assert.True(Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        }

        var forms = Forms(Given, Normalised, Digits, SecondGiven, SecondNormalised, Cyrillic, "7301-4421-9086", "7301 4421 9086");
        var files = Directory.GetFiles(_world.Folder);
        Assert.Contains(files, f => f.EndsWith("-wal", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = ReadShared(file);
            foreach (var (form, encoded) in forms)
            {
                Assert.True(bytes.AsSpan().IndexOf(encoded) < 0, $"{Path.GetFileName(file)} holds the identifier as {form}");
            }
        }
        // The search does find what is stored: the pseudonyms are there.
        Assert.Contains(files, file => ReadShared(file).AsSpan().IndexOf(Encoding.UTF8.GetBytes(kazakh.Id)) >= 0);
        Assert.Contains(files, file => ReadShared(file).AsSpan().IndexOf(Encoding.UTF8.GetBytes(kyrgyz.Id)) >= 0);

        foreach (var error in errors)
        {
            foreach (var text in new[] { error.Message, error.ToString() })
            {
                foreach (var (form, encoded) in forms.Where(f => f.Form.StartsWith("UTF-8", StringComparison.Ordinal)))
                {
                    Assert.True(Encoding.UTF8.GetBytes(text).AsSpan().IndexOf(encoded) < 0, $"{error.GetType().Name} holds the identifier as {form}: {error.Message}");
                }
                Assert.DoesNotContain(kazakh.Id, text, StringComparison.Ordinal);
            }
        }
        var invalid = errors.OfType<InvalidArgumentException>().SelectMany(e => e.Violations).ToList();
        Assert.Contains(invalid, v => v.Field == "national_id");
        Assert.All(invalid, v => Assert.DoesNotContain(Digits, v.Description, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_database_files_hold_no_identifier_after_they_are_checkpointed_either()
    {
        await _world.EnrolAsync(AstanaClinician, Given);
        await Assert.ThrowsAsync<AlreadyExistsException>(() => _world.EnrolAsync(AstanaClinician, Normalised));
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _world.DatabasePath }.ToString()))
        {
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();

        var forms = Forms(Given, Normalised, Digits);
        foreach (var file in Directory.GetFiles(_world.Folder))
        {
            // With every connection closed SQLite may remove the log and shared memory as they are listed.
            var bytes = ReadSharedIfPresent(file);
            Assert.All(forms, f => Assert.True(bytes.AsSpan().IndexOf(f.Bytes) < 0, $"{Path.GetFileName(file)} holds the identifier as {f.Form}"));
        }
    }

    /// <summary>Each value as UTF-8 and UTF-16 (both byte orders), lower and upper case.</summary>
    private static List<(string Form, byte[] Bytes)> Forms(params string[] values)
    {
        var forms = new List<(string, byte[])>();
        foreach (var value in values.SelectMany(v => new[] { v, v.ToUpperInvariant(), v.ToLowerInvariant() }).Distinct(StringComparer.Ordinal))
        {
            forms.Add(($"UTF-8 '{value}'", Encoding.UTF8.GetBytes(value)));
            forms.Add(($"UTF-16LE '{value}'", Encoding.Unicode.GetBytes(value)));
            forms.Add(($"UTF-16BE '{value}'", Encoding.BigEndianUnicode.GetBytes(value)));
        }
        return forms;
    }

    private static byte[] ReadSharedIfPresent(string path)
    {
        try
        {
            return ReadShared(path);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The file's bytes, read beside SQLite's own open handles.</summary>
    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
