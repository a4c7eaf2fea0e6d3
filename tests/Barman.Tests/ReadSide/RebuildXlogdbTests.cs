using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ReadSide;

/// <summary><c>barman rebuild-xlogdb</c>: xlog.db made again from the archive's content.</summary>
public sealed class RebuildXlogdbTests
{
    [Fact]
    public async Task Rebuilds_the_lines_archive_wal_wrote_over_mixed_compressions()
    {
        using var h = new ReadSideHarness();
        ulong segment = 1;
        foreach (var compression in new[] { "none", "gzip", "bzip2", "lz4", "zstd" })
        {
            h.Archive.WriteConfig(compression == "none" ? "archiver = on" : $"archiver = on\ncompression = {compression}");
            await h.ArchiveAsync((Seg(1, segment), Content((int)segment)), (Seg(1, segment + 1), Content((int)segment + 1)));
            segment += 2;
        }
        await h.ArchiveAsync(("00000002.history", "1\t0/5000000\tno recovery target specified\n"u8.ToArray()),
            (Seg(1, 3) + ".00000028.backup", "START WAL LOCATION: 0/3000028\n"u8.ToArray()));
        var expected = h.Archive.XlogdbLines().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(12, expected.Length);
        Assert.Equal(["None", "None", "bzip2", "bzip2", "gzip", "gzip", "lz4", "lz4", "zstd", "zstd"],
            expected.Where(l => l.Split('\t')[0].Length == 24).Select(l => l.Split('\t')[3]).Order(StringComparer.Ordinal));

        // damage xlog.db, leave junk beside the archived files
        await File.WriteAllTextAsync(h.Archive.Server.XlogdbFile, "garbage\n");
        var wals = h.Archive.Server.WalsDirectory;
        await File.WriteAllTextAsync(Path.Combine(wals, "notes.txt"), "x");
        await File.WriteAllTextAsync(Path.Combine(wals, "0000000100000000", "stray.txt"), "x");

        var r = await CliRunner.RunAsync("-c", h.Config, "rebuild-xlogdb", "pg");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Rebuilding xlogdb for server pg\nDone rebuilding xlogdb for server pg (history: 1, backup_labels: 1, wal_file: 10)\n", r.Out);
        Assert.Contains($"WARNING: unexpected file rebuilding the wal database: {Path.Combine(wals, "notes.txt")}\n", r.Err, StringComparison.Ordinal);
        Assert.Contains($"WARNING: unexpected file rebuilding the wal database: {Path.Combine(wals, "0000000100000000", "stray.txt")}\n", r.Err, StringComparison.Ordinal);
        Assert.Equal(expected, h.Archive.XlogdbLines().Order(StringComparer.Ordinal));
        Assert.False(File.Exists(h.Archive.Server.XlogdbFile + ".rebuild"));

        // all: every server; a missing xlog.db is rebuilt too
        File.Delete(h.Archive.Server.XlogdbFile);
        r = await CliRunner.RunAsync("-c", h.Config, "rebuild-xlogdb", "all");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(expected, h.Archive.XlogdbLines().Order(StringComparer.Ordinal));

        r = await CliRunner.RunAsync("-c", h.Config, "rebuild-xlogdb", "nope");
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public async Task A_concurrent_archive_wal_loses_no_line()
    {
        using var h = new ReadSideHarness("archiver = on\narchiver_batch_size = 5\ncompression = gzip");
        var names = Enumerable.Range(1, 120).Select(i => Seg(1, (ulong)i)).ToArray();
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
            h.Archive.Put(h.Incoming, name, Content(i, 4096));

        using var stop = new CancellationTokenSource();
        var rebuilds = 0;
        var rebuilder = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await h.RunAsync("rebuild-xlogdb", "pg");
                Assert.True(r.ExitCode == 0, r.ToString());
                rebuilds++;
            }
        });
        for (var run = 0; run < 40 && h.Archive.Names(h.Incoming).Length > 0; run++)
        {
            var r = await h.RunAsync("archive-wal", "pg");
            Assert.True(r.ExitCode == 0, r.ToString());
        }
        await stop.CancelAsync();
        await rebuilder;

        Assert.Empty(h.Archive.Names(h.Incoming));
        Assert.True(rebuilds > 1, $"only {rebuilds} rebuilds ran");
        Assert.Equal(names, h.Archive.XlogdbNames().Order(StringComparer.Ordinal));
    }
}
