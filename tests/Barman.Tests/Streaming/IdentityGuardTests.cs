using Barman.Core.Streaming;
using Barman.Core.Wal;
using Barman.Tests.Checks;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

/// <summary>
/// The guard against mixing two clusters fails closed: an identity.json that exists but cannot be read
/// or parsed stops receive-wal before pg_receivewal runs, with one line naming the file, and fails check.
/// </summary>
public sealed class IdentityGuardTests(PgCluster pg) : IClassFixture<PgCluster>
{
    public static TheoryData<string, string> BrokenFiles => new()
    {
        { "truncated", "{\"systemid\": " },
        { "junk", "\u0000\u0001\u00ff\u00fe binary" },
        { "no systemid", "{\"version\": \"15\"}" },
        { "empty systemid", "{\"systemid\": \"\", \"version\": \"15\"}" },
        { "empty", "" },
        { "directory", "" },
    };

    private static void Break(string path, string kind, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (kind == "directory")
            Directory.CreateDirectory(path);
        else
            File.WriteAllText(path, content);
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task Receive_wal_stops_before_streaming(string kind, string content)
    {
        using var h = new StreamingHarness(pg, "pg", "identity_" + kind.Replace(' ', '_'));
        var path = ServerIdentity.PathFor(h.Server);
        Break(path, kind, content);

        var code = await new ReceiveWal(h.Server, h.Output, signals: null).RunAsync(false, CancellationToken.None);

        Assert.Equal(1, h.ExitCode(code));
        Assert.Matches(
            $"^ERROR: ArchiverFailure:cannot read the cluster identity stored in \"{System.Text.RegularExpressions.Regex.Escape(path)}\": [^\n]+: the cluster this archive belongs to is unknown\\. Refusing to stream until the file is repaired\n$",
            h.Err);
        Assert.Equal("Starting receive-wal for server pg\n", h.Out);
        Assert.Empty(Directory.GetFileSystemEntries(h.Server.StreamingWalsDirectory));
        // Never guessed, never replaced.
        if (kind != "directory")
            Assert.Equal(content, File.ReadAllText(path));
        Assert.Equal(0L, await pg.ScalarAsync<long>($"select count(*) from pg_replication_slots where slot_name = 'identity_{kind.Replace(' ', '_')}'"));
    }

    [Fact]
    public async Task Check_names_the_unreadable_file()
    {
        await using var h = new CheckHarness(pg);
        var path = Path.Combine(h.ServerDir, ServerIdentity.FileName);
        Break(path, "truncated", "{\"systemid\": ");
        var r = await h.RunAsync("check", "pg");
        Assert.Contains($"\tsystemid coherence: FAILED (cannot read the cluster identity stored in \"{path}\": not valid JSON)\n", r.Out);
    }
}
