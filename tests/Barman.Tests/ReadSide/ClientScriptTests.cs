using Barman.Tests.Infrastructure;
using Barman.Core.Compression;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ReadSide;

/// <summary>
/// Barman's own client scripts (Debian's barman-cli 3.4, unchanged) against this barman: the
/// archive_command side (barman-wal-archive → put-wal) and the restore_command side
/// (barman-wal-restore → get-wal, with its --peek prefetch into a spool directory, -z and -P).
/// </summary>
public sealed class ClientScriptTests
{
    private const string WalArchive = "/usr/bin/barman-wal-archive";
    private const string WalRestore = "/usr/bin/barman-wal-restore";

    [Fact]
    public async Task Barman_wal_archive_feeds_put_wal()
    {
        Assert.True(File.Exists(WalArchive), "Debian's barman-cli is not installed (.ci/run installs it)");
        using var h = new ReadSideHarness();
        var ssh = new SshStandIn(h.Archive.Dir.Combine("bin"));
        var source = h.Archive.Dir.Combine("pg_wal");
        var wal = h.Archive.Put(source, Seg(1, 7), WholeSegment(Seg(1, 7), 7, 1 << 20));

        var test = await ReadSideHarness.RunProgramAsync(WalArchive, ["-c", h.Config, "--test", "backup.example", "pg", wal], environment: ssh.Environment);
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("Ready to accept WAL files for the server pg", test.Text + test.Err, StringComparison.Ordinal);

        var r = await ReadSideHarness.RunProgramAsync(WalArchive, ["-c", h.Config, "backup.example", "pg", wal], environment: ssh.Environment);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(WholeSegment(Seg(1, 7), 7, 1 << 20), await File.ReadAllBytesAsync(Path.Combine(h.Incoming, Seg(1, 7))));

        // archive_command retried after a lost answer: still success
        r = await ReadSideHarness.RunProgramAsync(WalArchive, ["-c", h.Config, "backup.example", "pg", wal], environment: ssh.Environment);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([Seg(1, 7)], h.Archive.Names(h.Incoming));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("zstd")]
    public async Task Barman_wal_restore_with_prefetch_gzip_and_partial(string compression)
    {
        Assert.True(File.Exists(WalRestore), "Debian's barman-cli is not installed (.ci/run installs it)");
        using var h = new ReadSideHarness(compression == "none" ? "archiver = on" : $"archiver = on\ncompression = {compression}");
        var ssh = new SshStandIn(h.Archive.Dir.Combine("bin"));
        var names = Enumerable.Range(1, 4).Select(i => Seg(1, (ulong)i)).ToArray();
        await h.ArchiveAsync([.. names.Select((n, i) => (n, WholeSegment(n, i, 1 << 20)))]);
        h.Archive.Put(h.Streaming, Seg(1, 5) + ".partial", WholeSegment(Seg(1, 5), 5, 1 << 20));
        var spool = h.Archive.Dir.Combine("spool");
        var pgWal = h.Archive.Dir.Combine("pg_wal");
        Directory.CreateDirectory(pgWal);

        async Task<BinaryResult> Restore(string wal, params string[] options) =>
            await ReadSideHarness.RunProgramAsync(WalRestore, [.. options, "-c", h.Config, "--spool-dir", spool, "backup.example", "pg", wal, Path.Combine(pgWal, "RECOVERYXLOG")],
                environment: ssh.Environment);

        var test = await ReadSideHarness.RunProgramAsync(WalRestore, ["-c", h.Config, "--test", "backup.example", "pg", "x", "y"], environment: ssh.Environment);
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("Ready to retrieve WAL files from the server pg", test.Text, StringComparison.Ordinal);

        // -p 3: the first file, and the next two prefetched into the spool
        var r = await Restore(names[0], "-p", "3", "-z");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(WholeSegment(names[0], 0, 1 << 20), await File.ReadAllBytesAsync(Path.Combine(pgWal, "RECOVERYXLOG")));
        Assert.Equal([names[1], names[2]], h.Archive.Names(spool));
        Assert.Null(Compressors.Identify(Path.Combine(spool, names[1])));
        r = await Restore(names[1], "-p", "3", "-z");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(WholeSegment(names[1], 1, 1 << 20), await File.ReadAllBytesAsync(Path.Combine(pgWal, "RECOVERYXLOG")));
        Assert.Equal([names[2]], h.Archive.Names(spool));

        // the end of the archive: not found is exit 1 (PostgreSQL ends recovery there)
        r = await Restore(Seg(1, 5));
        Assert.Equal(1, r.ExitCode);

        // -P: the segment pg_receivewal was writing
        r = await Restore(Seg(1, 5), "-P");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(WholeSegment(Seg(1, 5), 5, 1 << 20), await File.ReadAllBytesAsync(Path.Combine(pgWal, "RECOVERYXLOG")));
    }
}
