using Barman.Core.Os;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

public sealed class ArchiveWalCliTests
{
    [Fact]
    public async Task Ini_config_archives_with_compression_and_logs_barman_lines()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig("streaming_archiver = on\nslot_name = barman\ncompression = gzip");
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));
        h.Put(h.Streaming, "junk");

        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\nSome unknown objects have been found while processing xlog segments for pg. Objects moved to errors directory:\n\tjunk\n", r.Out);
        Assert.Equal("gzip", h.XlogdbLines()[0].Split('\t')[3]);
        var log = await File.ReadAllTextAsync(h.Dir.Combine("barman.log"));
        Assert.Contains("barman.server DEBUG: Starting archive-wal for server pg", log, StringComparison.Ordinal);
        Assert.Contains("barman.wal_archiver INFO: Found 1 xlog segments from streaming for pg. Archive all segments in one run.", log, StringComparison.Ordinal);
        Assert.Contains($"barman.wal_archiver INFO: Archiving segment 1 of 1 from streaming: pg/{Seg(1, 1)}", log, StringComparison.Ordinal);
        Assert.Contains("barman.wal_archiver WARNING: Archiver is about to move 1 unexpected file(s) to errors directory for pg from streaming", log, StringComparison.Ordinal);
        Assert.Contains("barman.wal_archiver WARNING: Moving unexpected file for pg from streaming: junk", log, StringComparison.Ordinal);
        // output.info(..., log=False): the header and file lines are not logged
        Assert.DoesNotContain("Processing xlog segments", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Toml_config_with_xlogdb_directory_and_batch_size()
    {
        using var h = new ArchiveHarness();
        var toml = h.Dir.Combine("barman.toml");
        await File.WriteAllTextAsync(toml, $"""
            [barman]
            barman_home = "{h.Dir.Path}"
            barman_user = "{Environment.UserName}"

            [pg]
            conninfo = "host=127.0.0.1 port=1 user=postgres dbname=postgres"
            backup_method = "postgres"
            archiver = true
            archiver_batch_size = 2
            xlogdb_directory = "{h.Dir.Combine("xdb")}"

            """);
        for (ulong i = 1; i <= 3; i++)
            h.Put(h.Incoming, Seg(1, i));

        var r = await CliRunner.RunAsync("-c", toml, "archive-wal", "pg");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal($"Processing xlog segments from file archival for pg (batch size: 2)\n\t{Seg(1, 1)}\n\t{Seg(1, 2)}\n", r.Out);
        Assert.Equal(2, File.ReadAllLines(h.Dir.Combine("xdb", "pg-xlog.db")).Length);
        Assert.False(File.Exists(h.Dir.Combine("pg", "wals", "xlog.db")));
    }

    [Fact]
    public async Task All_is_refused_and_unknown_server_is_an_error()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig();
        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "all");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ERROR: You cannot use 'all' in a single server context\n", r.Err);
        r = await CliRunner.RunAsync("-c", config, "archive-wal", "nope");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ERROR: Unknown server 'nope'\n", r.Err);
        r = await CliRunner.RunAsync("-c", config, "archive-wal");
        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public async Task Inactive_server_is_skipped()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig("streaming_archiver = on\nslot_name = barman\nactive = false");
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));
        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Skipping inactive server 'pg'\n", r.Out);
        Assert.Equal(2, h.Names(h.Streaming).Length);
    }

    [Fact]
    public async Task Disabled_server_prints_its_errors()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig("streaming_archiver = on"); // streaming-only without slot_name: disabled
        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ERROR: Streaming-only archiver requires 'streaming_conninfo' and 'slot_name' options to be properly configured", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Busy_lock_held_by_another_process_exits_0()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig();
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));
        using var holder = System.Diagnostics.Process.Start("flock", ["-x", WalLayout.ArchiveWalLockPath(h.Server), "sleep", "30"]);
        try
        {
            for (var i = 0; i < 100 && LockFile.Holder(WalLayout.ArchiveWalLockPath(h.Server)) is null; i++)
                await Task.Delay(50);
            var r = await CliRunner.RunProcessAsync(["-c", config, "archive-wal", "pg"]);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("Another archive-wal process is already running on server pg. Skipping to the next server\n", r.Out);
            Assert.Equal(2, h.Names(h.Streaming).Length);
        }
        finally
        {
            holder.Kill();
        }
    }

    [Fact]
    public async Task A_queued_object_that_is_not_a_file_does_not_make_a_batch()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig("archiver = on");
        h.Put(h.Incoming, Seg(1, 1));
        File.CreateSymbolicLink(Path.Combine(h.Incoming, Seg(1, 2)), Path.Combine(h.Incoming, Seg(1, 1)));

        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith($"Processing xlog segments from file archival for pg\n\t{Seg(1, 1)}\n", r.Out);
        Assert.Contains($"\t{Seg(1, 2)}\n", r.Out); // moved to errors/ as an unknown object
        Assert.DoesNotContain("batch", File.ReadAllText(h.Dir.Combine("barman.log")), StringComparison.Ordinal);
    }
}
