using System.IO.Compression;
using Barman.Core.Wal;
using Barman.Tests.ArchiveWal;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.Durability;

/// <summary>
/// archive-wal's durability order as the kernel saw it: the REAL executable under strace, its file
/// system calls checked by <see cref="ArchiveDurability"/> with the shared <see cref="DurabilityRules"/>.
/// The crash tests SIGKILL the process, and the page cache survives a killed process: only these see
/// a missing or misplaced fsync.
/// <para>
/// To check a new durable write (rebuild-xlogdb, put-wal, get-wal <c>-o</c>, the object-storage local
/// state...): run it with <see cref="SyscallTrace.RunBarmanAsync"/> over the test's directory, then
/// state what it promises, one line each, with <see cref="DurabilityRules"/>: <c>rules.Published(path,
/// before: steps that depend on it)</c> for a file given its name by rename or link (temp + fsync +
/// rename + directory fsync), <c>rules.WritesSynced(path, before...)</c> for a file updated in place,
/// <c>rules.RemovalSynced(unlink, before...)</c> for a removal, <c>rules.Ordered(a, b, why)</c> for
/// anything else; the steps are found with <c>trace.Next(e =&gt; ...)</c>. Then check that the test
/// fails when the fsync it guards is removed. <see cref="ReceiveWalDurabilityTests"/> is a short example.
/// </para>
/// </summary>
public sealed class ArchiveDurabilityTests
{
    private static readonly string[] Streamed = [Seg(1, 1), Seg(1, 2), Seg(1, 3)];
    private static readonly string[] Incoming = ["00000002.history", Seg(2, 6), Seg(2, 7)];

    private static string Hooks(bool on) => on
        ? $"\npre_archive_script = true pre-archive\npost_archive_script = true {ArchiveDurability.PostHookMarker}\npost_archive_retry_script = true {ArchiveDurability.PostHookMarker} retry"
        : "";

    /// <summary>Both queues: three streamed segments (and the open .partial, which stays), a history file, a plain and a gzipped incoming segment.</summary>
    private static string Prepare(ArchiveHarness h, string? compression, bool hooks)
    {
        foreach (var name in Streamed)
            h.Put(h.Streaming, name, Data(name));
        h.Put(h.Streaming, Seg(1, 4) + ".partial", Data("partial"));
        h.Put(h.Incoming, Incoming[0], "1\t0/3000000\tno recovery target specified\n"u8.ToArray());
        h.Put(h.Incoming, Incoming[1], Data(Incoming[1]));
        h.Put(h.Incoming, Incoming[2], Gzip(Data(Incoming[2])));
        return h.WriteConfig("streaming_archiver = on\nslot_name = barman\narchiver = on" + (compression is null ? "" : $"\ncompression = {compression}") + Hooks(hooks));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(null, true)]
    [InlineData("gzip", false)]
    [InlineData("bzip2", false)]
    [InlineData("lz4", false)]
    [InlineData("zstd", true)]
    public async Task Every_archived_file_is_durable_before_anything_depends_on_it(string? compression, bool hooks)
    {
        using var h = new ArchiveHarness();
        var config = Prepare(h, compression, hooks);

        var (trace, result) = await SyscallTrace.RunBarmanAsync(h.Dir.Path, ["-c", config, "archive-wal", "pg"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([.. Streamed, .. Incoming], h.XlogdbNames());
        var published = ArchiveDurability.Check(trace, h.Server);
        Assert.Equal([.. Streamed, .. Incoming], published.Select(p => Path.GetFileName(p.Target!)));
        if (compression is null)
            Assert.All(published, p => Assert.Contains(Path.GetDirectoryName(p.Path), new[] { h.Streaming, h.Incoming })); // the source itself is renamed
        if (hooks)
            Assert.Equal(2 * published.Count, trace.Events.Count(e => e.Call == FsCall.Exec && e.Text.Contains(ArchiveDurability.PostHookMarker, StringComparison.Ordinal)));
        else // one chunk per queue: one fsync per touched directory, however many files it holds
            Assert.All(["0000000100000000", "0000000200000000"], hash => Assert.Single(trace.Events, e => e.Call == FsCall.Fsync && e.Path == Path.Combine(h.Server.WalsDirectory, hash)));
    }

    [Fact]
    public async Task A_copy_to_another_filesystem_is_durable_before_its_source_goes()
    {
        using var h = new ArchiveHarness();
        using var mount = await Tmpfs.MountAsync(h.Server.WalsDirectory, "16m");
        var config = Prepare(h, compression: null, hooks: false);

        var (trace, result) = await SyscallTrace.RunBarmanAsync(h.Dir.Path, ["-c", config, "archive-wal", "pg"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var published = ArchiveDurability.Check(trace, h.Server);
        Assert.Equal(6, published.Count);
        Assert.All(published, p => Assert.EndsWith(".tmp", p.Path, StringComparison.Ordinal));
        Assert.Equal(6, trace.Events.Count(e => e.Call == FsCall.Unlink && Path.GetDirectoryName(e.Path) is var d && (d == h.Streaming || d == h.Incoming)));
    }

    [Fact]
    public async Task Duplicates_and_unknown_files_reach_errors_durably()
    {
        using var h = new ArchiveHarness();
        var config = Prepare(h, "gzip", hooks: false);
        Assert.Equal(0, (await CliRunner.RunProcessAsync(["-c", config, "archive-wal", "pg"])).ExitCode);
        h.Put(h.Streaming, Seg(1, 1), Data("other")); // different content: to errors/
        h.Put(h.Streaming, Seg(1, 2), Data(Seg(1, 2))); // same content: dropped
        h.Put(h.Streaming, Seg(1, 5), Data(Seg(1, 5)));
        h.Put(h.Incoming, "garbage", "not a WAL file"u8.ToArray());

        var (trace, result) = await SyscallTrace.RunBarmanAsync(h.Dir.Path, ["-c", config, "archive-wal", "pg"]);

        Assert.Contains($"\tError: {Seg(1, 1)} is already present in server pg. File moved to errors directory.\n", result.Out);
        Assert.Equal([Seg(1, 5)], ArchiveDurability.Check(trace, h.Server).Select(p => Path.GetFileName(p.Target!)));
        Assert.Equal(2, trace.Events.Count(e => e.Call == FsCall.Rename && Path.GetDirectoryName(e.Target) == h.Server.ErrorsDirectory));
    }

    /// <summary>
    /// An interrupted run (SIGKILL at a crash point, untraced), then the traced run that completes it:
    /// what the crashed run moved is made durable before xlog.db lists it, before a leftover source goes
    /// and before the journal goes; post hooks run only once xlog.db is durable.
    /// </summary>
    [Theory]
    [InlineData(null, "rename:2", false)]
    [InlineData("zstd", "dst-fsync:1", false)]
    [InlineData("gzip", "xlogdb-append:1", false)]
    [InlineData(null, "post-hooks:1", true)]
    public async Task The_recovery_of_an_interrupted_run_is_durable_before_the_journal_goes(string? compression, string crashAt, bool hooks)
    {
        using var h = new ArchiveHarness();
        var config = Prepare(h, compression, hooks);
        var crashed = await CliRunner.RunProcessAsync(["-c", config, "archive-wal", "pg"], environment: new Dictionary<string, string> { [CrashPoint.Variable] = crashAt });
        Assert.True(crashed.ExitCode == 137, crashed.ToString());
        var journal = ArchiveJournal.Read(WalLayout.JournalPath(h.Server));
        Assert.NotNull(journal);
        var moved = journal.Entries.Select(e => e.Destination).Where(File.Exists).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(moved);

        var (trace, result) = await SyscallTrace.RunBarmanAsync(h.Dir.Path, ["-c", config, "archive-wal", "pg"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([.. Streamed, .. Incoming], h.XlogdbNames().Order(StringComparer.Ordinal));
        Assert.Equal(moved.Count, ArchiveDurability.CheckRecovery(trace, h.Server, journal, moved).Count);
        ArchiveDurability.Check(trace, h.Server);
    }

    /// <summary>64 KiB of WAL-like content, the same for the same name.</summary>
    private static byte[] Data(string name) => Content(name.GetHashCode(StringComparison.Ordinal), 64 * 1024);

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest))
            gz.Write(data);
        return ms.ToArray();
    }
}
