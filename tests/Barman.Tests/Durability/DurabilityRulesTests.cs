using Barman.Tests.Infrastructure;

namespace Barman.Tests.Durability;

/// <summary>The strace parser and the durability rules on small hand-written traces, wrong ones included.</summary>
public sealed class DurabilityRulesTests
{
    private const string Root = "/r";
    private const string Wals = "/r/pg/wals";
    private const string Hash = "/r/pg/wals/0000000100000000";
    private const string Segment = "000000010000000000000001";

    private static SyscallTrace Trace(string text) => SyscallTrace.Parse(text.Split('\n'), Root);

    [Fact]
    public void The_parser_resolves_descriptors_and_relative_names_and_keeps_completed_calls_under_the_root()
    {
        var trace = Trace("""
            100 openat(AT_FDCWD</r>, "pg/x.tmp", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0600) = 5</r/pg/x.tmp>
            100 openat(AT_FDCWD</r>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>
            100 openat(AT_FDCWD</r>, "/r/pg/y", O_RDONLY|O_CLOEXEC) = 3</r/pg/y>
            100 pwrite64(5</r/pg/x.tmp>, "a\"b) = 9"..., 65576, 0) = 65576
            100 write(6</r/pg/wals/xlog.db>, ""..., 164 <unfinished ...>
            101 fsync(7</r/pg/wals>) = 0
            100 <... write resumed>) = 164
            101 fsync(5</r/pg/x.tmp (deleted)>) = 0
            101 fsync(3</elsewhere>) = 0
            100 renameat2(AT_FDCWD</r>, "/r/pg/x.tmp", 7</r/pg/wals>, "x", RENAME_NOREPLACE) = 0
            100 rename("/r/pg/a", "/r/pg/b") = 0
            100 linkat(AT_FDCWD</r>, "pg/b", AT_FDCWD</r>, "pg/c", 0) = 0
            100 unlinkat(7</r/pg/wals>, "old", AT_REMOVEDIR) = 0
            100 unlink("/r/pg/nope") = -1 ENOENT (No such file or directory)
            100 unlink("/r/pg/a b\"c") = 0
            100 mkdir("/r/pg/wals/0000000100000000", 0777) = 0
            100 ftruncate(8</r/pg/wals/xlog.db>, 0) = 0
            100 copy_file_range(3</r/pg/src>, NULL, 4</r/pg/dst.tmp>, NULL, 65536, 0) = 65536
            102 execve("/bin/sh", ["/bin/sh", "-c", "true post-archive-hook"], 0x7ffd0 /* 3 vars */) = 0
            +++ exited with 0 +++
            """);

        Assert.Equal(
            [
                "#0 [100] Create /r/pg/x.tmp",
                "#1 [100] Write /r/pg/x.tmp",
                "#2 [101] Fsync /r/pg/wals",
                "#3 [100] Write /r/pg/wals/xlog.db",
                "#4 [101] Fsync /r/pg/x.tmp",
                "#5 [100] Rename /r/pg/x.tmp -> /r/pg/wals/x",
                "#6 [100] Rename /r/pg/a -> /r/pg/b",
                "#7 [100] Link /r/pg/b -> /r/pg/c",
                "#8 [100] Rmdir /r/pg/wals/old",
                "#9 [100] Unlink /r/pg/a b\"c",
                "#10 [100] Mkdir /r/pg/wals/0000000100000000",
                "#11 [100] Truncate /r/pg/wals/xlog.db",
                "#12 [100] Write /r/pg/dst.tmp",
            ],
            trace.Events.Take(13).Select(e => e.ToString()));
        var exec = trace.Events[13];
        Assert.Equal((FsCall.Exec, "/bin/sh"), (exec.Call, exec.Path));
        Assert.Contains("post-archive-hook", exec.Text, StringComparison.Ordinal);
        Assert.Equal(14, trace.Events.Count);
    }

    /// <summary>
    /// Barman 3.4's compressed archiving (spec §8.3), as strace shows it: the compressed temporary file
    /// is renamed into the archive unsynced and the source unlinked before any fsync.
    /// </summary>
    private const string Barman34Compressed = $"""
        10 openat(AT_FDCWD</r>, "{Hash}/{Segment}.tmp", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 4<{Hash}/{Segment}.tmp>
        10 write(4<{Hash}/{Segment}.tmp>, ""..., 65536) = 65536
        10 rename("{Hash}/{Segment}.tmp", "{Hash}/{Segment}") = 0
        10 unlink("/r/pg/streaming/{Segment}") = 0
        10 openat(AT_FDCWD</r>, "{Hash}/{Segment}", O_RDWR|O_CLOEXEC) = 4<{Hash}/{Segment}>
        10 fsync(4<{Hash}/{Segment}>) = 0
        10 fsync(5<{Hash}>) = 0
        10 fsync(6</r/pg/streaming>) = 0
        10 write(7<{Wals}/xlog.db>, ""..., 60) = 60
        10 fsync(7<{Wals}/xlog.db>) = 0
        """;

    /// <summary>The same steps in our order: temp fsynced, renamed, directory fsynced, xlog.db appended and fsynced, then the source goes.</summary>
    private const string Durable = $"""
        10 openat(AT_FDCWD</r>, "{Hash}/{Segment}.tmp", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 4<{Hash}/{Segment}.tmp>
        10 write(4<{Hash}/{Segment}.tmp>, ""..., 65536) = 65536
        10 fsync(4<{Hash}/{Segment}.tmp>) = 0
        10 renameat2(AT_FDCWD</r>, "{Hash}/{Segment}.tmp", AT_FDCWD</r>, "{Hash}/{Segment}", RENAME_NOREPLACE) = 0
        10 fsync(5<{Hash}>) = 0
        10 write(7<{Wals}/xlog.db>, ""..., 60) = 60
        10 fsync(7<{Wals}/xlog.db>) = 0
        10 unlink("/r/pg/streaming/{Segment}") = 0
        10 fsync(6</r/pg/streaming>) = 0
        """;

    private static Core.Configuration.ServerConfig Server => TestConfig.Server("pg", TestConfig.Global("/r"));

    [Fact]
    public void The_Barman_3_4_rename_of_an_unsynced_temporary_file_is_caught()
    {
        var trace = Trace(Barman34Compressed);
        var rules = new DurabilityRules(trace);
        var unlink = trace.Next(e => e.Call == FsCall.Unlink);
        var append = trace.Next(e => e.Call == FsCall.Write && e.Path.EndsWith("xlog.db", StringComparison.Ordinal));

        var data = Assert.Throws<DurabilityViolation>(() => rules.DataSynced(rules.EntryOf($"{Hash}/{Segment}")));
        Assert.StartsWith($"{Hash}/{Segment}: its data, written to {Hash}/{Segment}.tmp (last at #1), is not fsynced before the rename (#2)", data.Message, StringComparison.Ordinal);
        var name = Assert.Throws<DurabilityViolation>(() => rules.NameSynced(rules.EntryOf($"{Hash}/{Segment}"), append, unlink));
        Assert.Contains($"its directory {Hash} is fsynced only at #5, after #3 (Unlink /r/pg/streaming/{Segment})", name.Message, StringComparison.Ordinal);
        Assert.Throws<DurabilityViolation>(() => rules.Ordered(append, unlink, "xlog.db first"));
        Assert.Throws<DurabilityViolation>(() => ArchiveDurability.Check(trace, Server));
    }

    [Fact]
    public void The_durable_order_passes_every_rule()
    {
        var trace = Trace(Durable);
        Assert.Equal([$"{Hash}/{Segment}"], ArchiveDurability.Check(trace, Server).Select(p => p.Target));
    }

    [Theory]
    [InlineData(2, -1, "no fsync of the temporary file")]
    [InlineData(2, 3, "the temporary file fsynced after its rename")]
    [InlineData(4, -1, "no fsync of the archive directory")]
    [InlineData(4, 5, "the archive directory fsynced after the xlog.db append")]
    [InlineData(4, 7, "the archive directory fsynced after the source's unlink")]
    [InlineData(6, -1, "no fsync of xlog.db")]
    [InlineData(7, 4, "the source unlinked before the archive directory fsync")]
    [InlineData(7, 5, "the source unlinked before the xlog.db append")]
    [InlineData(7, 6, "the source unlinked before the xlog.db fsync")]
    [InlineData(8, -1, "no fsync of the source directory")]
    public void Each_step_of_the_durable_order_is_needed(int line, int moveAfter, string change)
    {
        var lines = Durable.Split('\n').ToList();
        var moved = lines[line];
        lines.RemoveAt(line);
        if (moveAfter >= 0)
            lines.Insert(moveAfter, moved);
        var trace = SyscallTrace.Parse(lines, Root);
        Assert.True(Record.Exception(() => ArchiveDurability.Check(trace, Server)) is DurabilityViolation, change);
    }

    [Fact]
    public void A_file_only_moved_must_be_fsynced_before_its_directory()
    {
        var moved = Trace($"""
            10 rename("/r/pg/streaming/{Segment}", "{Hash}/{Segment}") = 0
            10 fsync(5<{Hash}>) = 0
            10 openat(AT_FDCWD</r>, "{Hash}/{Segment}", O_RDWR|O_CLOEXEC) = 4<{Hash}/{Segment}>
            10 fsync(4<{Hash}/{Segment}>) = 0
            """);
        Assert.Throws<DurabilityViolation>(() => new DurabilityRules(moved).DataSynced(moved.Events[0]));

        var synced = Trace($"""
            10 fsync(4</r/pg/streaming/{Segment}>) = 0
            10 rename("/r/pg/streaming/{Segment}", "{Hash}/{Segment}") = 0
            10 fsync(5<{Hash}>) = 0
            """);
        new DurabilityRules(synced).DataSynced(synced.Events[1]);
    }

    [Fact]
    public void A_new_directory_needs_its_parent_fsynced_too()
    {
        var trace = Trace($"""
            10 mkdir("{Hash}", 0777) = 0
            10 fsync(4<{Hash}/{Segment}.tmp>) = 0
            10 rename("{Hash}/{Segment}.tmp", "{Hash}/{Segment}") = 0
            10 fsync(5<{Hash}>) = 0
            """);
        var rules = new DurabilityRules(trace);
        var e = Assert.Throws<DurabilityViolation>(() => rules.NameSynced(rules.EntryOf($"{Hash}/{Segment}")));
        Assert.StartsWith($"the new directory {Hash} (#0)", e.Message, StringComparison.Ordinal);
    }
}
