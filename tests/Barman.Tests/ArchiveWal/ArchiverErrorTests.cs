using System.Diagnostics;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

/// <summary>Failures leave the source in place, the archive and xlog.db consistent, and exit 1 with one ERROR line.</summary>
public sealed class ArchiverErrorTests
{
    [Fact]
    public async Task Unusable_archive_directory_is_an_error_and_the_source_stays()
    {
        using var h = new ArchiveHarness();
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));
        h.Put(h.Streaming, Seg(1, 3) + ".partial");
        h.Put(h.Server.WalsDirectory, "0000000100000000", "not a directory"u8.ToArray());

        var r = await h.RunAsync();

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\n", r.Out);
        Assert.StartsWith($"ERROR: Unable to archive WAL file '{Path.Combine(h.Streaming, Seg(1, 1))}' for server 'pg': ", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.Equal([Seg(1, 1), Seg(1, 2), Seg(1, 3) + ".partial"], h.Names(h.Streaming));
        Assert.Empty(h.XlogdbLines());
        Assert.False(File.Exists(WalLayout.JournalPath(h.Server)));
    }

    [Fact]
    public async Task Corrupt_compressed_incoming_file_is_reported_and_kept()
    {
        using var h = new ArchiveHarness(s => s with { StreamingArchiver = false, Archiver = true });
        var first = h.Put(h.Incoming, Seg(1, 1), Content(1)) is var path ? File.ReadAllBytes(path) : [];
        await h.RunAsync();
        var corrupt = new byte[] { 0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        h.Put(h.Incoming, Seg(1, 1), corrupt);

        var r = await h.RunAsync();

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"ERROR: Unable to archive WAL file '{Path.Combine(h.Incoming, Seg(1, 1))}' for server 'pg': ", r.Err, StringComparison.Ordinal);
        Assert.Equal(corrupt, await File.ReadAllBytesAsync(Path.Combine(h.Incoming, Seg(1, 1))));
        Assert.Equal(first, h.ArchivedContent(Seg(1, 1)));
        Assert.Single(h.XlogdbLines());
    }

    /// <summary>
    /// With compression the archived files are copies: the rollback removes them, and the sources must
    /// still be there — deleted only once xlog.db lists their copies.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    [InlineData("zstd")]
    public async Task Failed_xlogdb_append_puts_the_sources_back(string? compression)
    {
        using var h = new ArchiveHarness(s => s with { Compression = compression });
        var contents = Enumerable.Range(1, 3).Select(i => Content(i)).ToArray();
        h.Put(h.Streaming, Seg(1, 1), contents[0]);
        h.Put(h.Streaming, Seg(1, 2), contents[1]);
        await h.RunAsync(); // creates xlog.db with segment 1
        h.Put(h.Streaming, Seg(1, 3), contents[2]);
        h.Put(h.Streaming, Seg(1, 4) + ".partial");
        var before = await File.ReadAllBytesAsync(h.Server.XlogdbFile);
        await Chattr("+i", h.Server.XlogdbFile);
        try
        {
            var r = await h.RunAsync();
            Assert.Equal(1, r.ExitCode);
            // xlog.db's failure, not a segment's; no line for a file that was put back
            Assert.True(r.Err.StartsWith($"ERROR: Unable to append to xlog.db '{h.Server.XlogdbFile}' for server 'pg': Operation not permitted (the ", StringComparison.Ordinal)
                && r.Err.EndsWith(" file(s) of this chunk were not archived and stay queued)\n", StringComparison.Ordinal), r.ToString());
            Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
            Assert.Equal("Processing xlog segments from streaming for pg\n", r.Out);
        }
        finally
        {
            await Chattr("-i", h.Server.XlogdbFile);
        }
        Assert.Equal(before, await File.ReadAllBytesAsync(h.Server.XlogdbFile));
        Assert.Equal([Seg(1, 2), Seg(1, 3), Seg(1, 4) + ".partial"], h.Names(h.Streaming));
        Assert.Equal(contents[1], await File.ReadAllBytesAsync(Path.Combine(h.Streaming, Seg(1, 2))));
        Assert.Equal(contents[2], await File.ReadAllBytesAsync(Path.Combine(h.Streaming, Seg(1, 3))));
        Assert.False(File.Exists(h.ArchivePath(Seg(1, 2))));
        Assert.False(File.Exists(h.ArchivePath(Seg(1, 3))));
        Assert.Empty(Directory.GetFiles(h.Server.WalsDirectory, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(WalLayout.JournalPath(h.Server)));

        var again = await h.RunAsync();
        Assert.Equal(0, again.ExitCode);
        Assert.Equal([Seg(1, 1), Seg(1, 2), Seg(1, 3)], h.XlogdbNames());
        Assert.Equal(contents[1], h.ArchivedContent(Seg(1, 2)));
        Assert.Equal(contents[2], h.ArchivedContent(Seg(1, 3)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    public async Task Source_that_vanishes_after_selection_is_an_error_and_the_rest_stays_queued(string? compression)
    {
        // The pre_archive_script runs after the batch was selected and before the file is read: it removes the second segment.
        using var h = new ArchiveHarness(s => s with
        {
            Compression = compression,
            PreArchiveScript = $"if [ \"$BARMAN_SEGMENT\" = {Seg(1, 2)} ]; then rm \"$BARMAN_FILE\"; fi",
        });
        var first = Content(1);
        h.Put(h.Streaming, Seg(1, 1), first);
        h.Put(h.Streaming, Seg(1, 2));
        h.Put(h.Streaming, Seg(1, 3));
        h.Put(h.Streaming, Seg(1, 4) + ".partial");

        var r = await h.RunAsync();

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\n\t{Seg(1, 2)}\n", r.Out);
        var vanished = Path.Combine(h.Streaming, Seg(1, 2));
        Assert.Equal($"ERROR: Unable to archive WAL file '{vanished}' for server 'pg': Could not find file '{vanished}'.\n", r.Err);
        Assert.Equal([Seg(1, 1)], h.XlogdbNames());
        Assert.Equal(first, h.ArchivedContent(Seg(1, 1)));
        Assert.False(File.Exists(h.ArchivePath(Seg(1, 2))));
        Assert.Equal([Seg(1, 3), Seg(1, 4) + ".partial"], h.Names(h.Streaming));
        Assert.Empty(Directory.GetFiles(h.Server.WalsDirectory, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(WalLayout.JournalPath(h.Server)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("zstd")]
    public async Task Archive_on_another_filesystem_is_copied_durably(string? compression)
    {
        using var h = new ArchiveHarness(s => s with { Compression = compression });
        using var mount = await Tmpfs.MountAsync(h.Server.WalsDirectory, "64m");
        var contents = Enumerable.Range(1, 3).Select(i => Content(i, 1 << 20)).ToArray();
        for (var i = 0; i < 3; i++)
            h.Put(h.Streaming, Seg(1, (ulong)i + 1), contents[i]);
        var mtime = Core.Os.FileCalls.Lstat(Path.Combine(h.Streaming, Seg(1, 1)))!.Value;

        var r = await h.RunAsync();

        Assert.Equal(0, r.ExitCode);
        Assert.Equal([Seg(1, 3)], h.Names(h.Streaming));
        Assert.Equal(contents[0], h.ArchivedContent(Seg(1, 1)));
        Assert.Equal(contents[1], h.ArchivedContent(Seg(1, 2)));
        Assert.Equal(mtime.MtimeNanoseconds, Core.Os.FileCalls.Lstat(h.ArchivePath(Seg(1, 1)))!.Value.MtimeNanoseconds);
        Assert.Equal([Seg(1, 1), Seg(1, 2)], h.XlogdbNames());
        Assert.Empty(Directory.GetFiles(h.Server.WalsDirectory, "*.tmp", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("lz4")]
    public async Task Disk_full_stops_with_an_error_and_keeps_the_rest_queued(string? compression)
    {
        using var h = new ArchiveHarness(s => s with { Compression = compression, XlogdbDirectory = s.BackupDirectory });
        using var mount = await Tmpfs.MountAsync(h.Server.WalsDirectory, "1m");
        var random = new Random(5);
        var contents = Enumerable.Range(1, 4).Select(_ => { var b = new byte[600 * 1024]; random.NextBytes(b); return b; }).ToArray();
        for (var i = 0; i < 4; i++)
            h.Put(h.Streaming, Seg(1, (ulong)i + 1), contents[i]);

        var r = await h.RunAsync();

        // Compression runs in parallel: whichever file the disk could not take first is the one reported.
        Assert.Equal(1, r.ExitCode);
        var prefix = $"ERROR: Unable to archive WAL file '{h.Streaming}/";
        Assert.True(r.Err.StartsWith(prefix, StringComparison.Ordinal) && r.Err.Contains("No space left on device", StringComparison.Ordinal), r.ToString());
        var failed = r.Err.Substring(prefix.Length, 24);
        var archived = Enumerable.Range(1, 4).Select(i => Seg(1, (ulong)i)).TakeWhile(n => string.CompareOrdinal(n, failed) < 0).ToArray();
        Assert.Equal(archived, h.XlogdbNames());
        foreach (var name in archived)
            Assert.Equal(contents[(int)SegNo(name) - 1], h.ArchivedContent(name));
        Assert.Equal(Enumerable.Range(1, 4).Select(i => Seg(1, (ulong)i)).Except(archived), h.Names(h.Streaming));
        Assert.True(compression is not null || failed == Seg(1, 2), r.ToString());
        Assert.Empty(Directory.GetFiles(h.Server.WalsDirectory, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(WalLayout.JournalPath(h.Server)));
    }

    private static async Task Chattr(string flag, string path)
    {
        var (code, _, err) = await Tool("chattr", flag, path);
        Assert.True(code == 0, err);
    }
}

/// <summary>
/// A tmpfs mounted over a directory for the test: another filesystem, or a small one. The suite runs
/// as root (see PrivilegeTests), so a mount that fails is a failed test, never a silent pass.
/// </summary>
internal sealed class Tmpfs : IDisposable
{
    private readonly string _path;

    private Tmpfs(string path) => _path = path;

    public static async Task<Tmpfs> MountAsync(string path, string size)
    {
        Directory.CreateDirectory(path);
        var (code, _, err) = await ArchiveHarness.Tool("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        Assert.True(code == 0, $"mount -t tmpfs over {path} failed (the tests need root): {err}");
        return new Tmpfs(path);
    }

    public void Dispose()
    {
        using var p = Process.Start("umount", ["-l", _path]);
        p.WaitForExit(Bounded.Default);
    }
}
