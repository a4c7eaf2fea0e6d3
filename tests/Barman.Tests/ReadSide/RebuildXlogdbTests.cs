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
    public async Task Lists_the_archive_only_once_it_holds_the_xlogdb_lock()
    {
        // Barman #328: a rebuild that lists the archive before it takes the lock loses the lines an archive-wal
        // appended in between. Here the lock is held by another process while the rebuild starts.
        using var h = new ReadSideHarness();
        await h.ArchiveAsync((Seg(1, 1), Content(1)));
        using var holder = Barman.Tests.Cron.LockHolder.Hold(Barman.Core.Wal.WalLayout.XlogdbLockPath(h.Archive.Server));
        using var rebuild = CliRunner.Start(["-c", h.Config, "rebuild-xlogdb", "pg"]);
        Assert.Equal("Rebuilding xlogdb for server pg", await rebuild.StandardOutput.ReadLineAsync());
        // A rebuild listing before the lock has listed by now; one that waits for the lock is still waiting.
        await Task.Delay(500);
        Assert.False(rebuild.HasExited, "rebuild-xlogdb did not wait for the xlogdb lock");

        // what archive-wal does under the lock: the file into the archive, then its line into xlog.db
        var added = Seg(1, 2);
        var path = Path.Combine(h.Archive.Server.WalsDirectory, added[..16], added);
        await File.WriteAllBytesAsync(path, Content(2));
        await File.AppendAllTextAsync(h.Archive.Server.XlogdbFile, $"{added}\t{Content(2).Length}\t1700000000.0\tNone\n");
        holder.Dispose();
        await rebuild.WaitForExitAsync();

        Assert.True(rebuild.ExitCode == 0, await rebuild.StandardError.ReadToEndAsync());
        Assert.Equal([Seg(1, 1), added], h.Archive.XlogdbNames().Order(StringComparer.Ordinal));
    }
}
