using Barman.Core.Wal;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

/// <summary>
/// archive-wal on a real full, read-only or refusing filesystem (a small tmpfs, <c>chattr +i</c>; the suite
/// runs as root): one ERROR line saying what failed and why, nothing left behind that a full disk could keep,
/// xlog.db failures told as such, and the next run completes the archive with nothing lost or doubled.
/// </summary>
public sealed class FailureHygieneTests
{
    private static readonly string[] Leftovers = ["*.tmp", "*.new", "*.journal*"];

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    public async Task A_full_disk_leaves_no_staged_copy_nor_journal_run_after_run(string? compression)
    {
        using var h = new ArchiveHarness(s => s with { Compression = compression });
        using var mount = await Tmpfs.MountAsync(h.Server.WalsDirectory, "1m");
        var contents = RandomSegments(h, 6);

        for (var run = 0; run < 3; run++)
        {
            var r = await h.RunAsync();

            Assert.Equal(1, r.ExitCode);
            Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
            Assert.True(r.Err.StartsWith("ERROR: ", StringComparison.Ordinal) && r.Err.Contains("No space left on device", StringComparison.Ordinal), r.ToString());
            Assert.Equal([], LeftoversIn(h.Server.WalsDirectory));
            AssertArchiveConsistent(h, contents);
        }
        Assert.NotEmpty(h.XlogdbNames()); // what fits is archived: the staged copies of the rest do not take its room
    }

    [Fact]
    public async Task Leftovers_of_an_interrupted_run_go_while_the_disk_stays_full()
    {
        using var h = new ArchiveHarness(s => s with { Compression = "gzip" });
        var config = h.WriteConfig("streaming_archiver = on\nslot_name = barman\ncompression = gzip");
        using var mount = await Tmpfs.MountAsync(h.Server.WalsDirectory, "2m");
        var contents = RandomSegments(h, 6);
        var crash = await CliRunner.RunProcessAsync(["-c", config, "archive-wal", "pg"], environment: new Dictionary<string, string> { [CrashPoint.Variable] = "prepared:2" });
        Assert.Equal(137, crash.ExitCode);
        Assert.True(File.Exists(WalLayout.JournalPath(h.Server)));
        Assert.NotEmpty(Directory.GetFiles(h.Server.WalsDirectory, "*.tmp", SearchOption.AllDirectories));
        var filler = Fill(h.Server.WalsDirectory);

        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");

        Assert.Equal(1, r.ExitCode);
        Assert.True(r.Err.StartsWith("ERROR: ", StringComparison.Ordinal) && r.Err.Contains("No space left on device", StringComparison.Ordinal), r.ToString());
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.Equal([], LeftoversIn(h.Server.WalsDirectory));
        AssertArchiveConsistent(h, contents);

        File.Delete(filler);
        var again = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal([Seg(1, 6)], h.Names(h.Streaming));
        AssertArchiveConsistent(h, contents);
    }

    /// <summary>
    /// xlog.db on its own small filesystem with room for the chunk's journal and not for the append: the
    /// error is xlog.db's, no line claims a file that is not archived, and once there is room the next run
    /// records each file exactly once.
    /// </summary>
    /// <remarks>Without compression: with it, the commit journal replaces the prepare journal and frees the page the append needs
    /// (the compressed case is <see cref="ArchiverErrorTests.Failed_xlogdb_append_puts_the_sources_back"/>).</remarks>
    [Fact]
    public async Task An_xlogdb_append_failure_is_reported_as_such_and_the_next_run_records_each_file_once()
    {
        using var h = new ArchiveHarness(s => s with { XlogdbDirectory = Path.Combine(s.BackupDirectory, "xlogdb") });
        using var mount = await Tmpfs.MountAsync(h.Server.XlogdbDirectory!, "64k");
        var contents = RandomSegments(h, 3);
        var filler = Fill(h.Server.XlogdbDirectory!, leavePages: 1); // room for the journal, none for the first page of xlog.db

        var r = await h.RunAsync();

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"ERROR: Unable to append to xlog.db '{h.Server.XlogdbFile}' for server 'pg': No space left on device (the 2 file(s) of this chunk were not archived and stay queued)\n", r.Err);
        Assert.Equal("Processing xlog segments from streaming for pg\n", r.Out);
        Assert.Equal([Seg(1, 1), Seg(1, 2), Seg(1, 3)], h.Names(h.Streaming));
        Assert.Empty(h.XlogdbLines());
        Assert.False(File.Exists(h.ArchivePath(Seg(1, 1))));
        Assert.False(File.Exists(h.ArchivePath(Seg(1, 2))));
        Assert.Equal([], LeftoversIn(h.Server.WalsDirectory));
        Assert.Equal([], LeftoversIn(h.Server.XlogdbDirectory!));

        File.Delete(filler);
        var again = await h.RunAsync();
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\n\t{Seg(1, 2)}\n", again.Out);
        Assert.Equal([Seg(1, 1), Seg(1, 2)], h.XlogdbNames());
        AssertArchiveConsistent(h, contents);
    }

    /// <summary>
    /// A chunk whose xlog.db append happened and whose files were put back, but whose undoing was cut short
    /// before xlog.db was cut back (a kill, a failing disk): its journal stays, and the next run cuts the
    /// lines of the files that are not archived before archiving them again — each listed once.
    /// </summary>
    [Fact]
    public async Task An_append_of_files_put_back_is_cut_back_by_the_next_run()
    {
        using var h = new ArchiveHarness();
        var config = h.WriteConfig();
        var contents = new Dictionary<string, byte[]>
        {
            [Seg(1, 1)] = File.ReadAllBytes(h.Put(h.Streaming, Seg(1, 1))),
            [Seg(1, 2)] = File.ReadAllBytes(h.Put(h.Streaming, Seg(1, 2))),
        };
        h.Put(h.Streaming, Seg(1, 3) + ".partial");
        var crash = await CliRunner.RunProcessAsync(["-c", config, "archive-wal", "pg"], environment: new Dictionary<string, string> { [CrashPoint.Variable] = "xlogdb-append:1" });
        Assert.Equal(137, crash.ExitCode);
        Assert.Equal([Seg(1, 1), Seg(1, 2)], h.XlogdbNames());
        foreach (var name in contents.Keys)
            File.Move(h.ArchivePath(name), Path.Combine(h.Streaming, name)); // what the undoing does first

        var r = await h.RunAsync();

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([Seg(1, 1), Seg(1, 2)], h.XlogdbNames());
        foreach (var (name, content) in contents)
            Assert.Equal(content, h.ArchivedContent(name));
        Assert.False(File.Exists(WalLayout.JournalPath(h.Server)));
    }

    /// <summary>A directory that refuses (immutable: even root may not add or remove entries) is the one the error names.</summary>
    [Theory]
    [InlineData("archive", null)]
    [InlineData("archive", "gzip")]
    [InlineData("source", null)]
    public async Task A_refusal_names_the_directory_that_refused(string which, string? compression)
    {
        using var h = new ArchiveHarness(s => s with { Compression = compression });
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));
        Assert.Equal(0, (await h.RunAsync()).ExitCode);
        h.Put(h.Streaming, Seg(1, 3));
        var refusing = which == "archive" ? Path.GetDirectoryName(h.ArchivePath(Seg(1, 2)))! : h.Streaming;
        await Chattr("+i", refusing);
        CliResult r;
        try
        {
            r = await h.RunAsync();
        }
        finally
        {
            await Chattr("-i", refusing);
        }

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"ERROR: Unable to archive WAL file '{Path.Combine(h.Streaming, Seg(1, 2))}' for server 'pg': Operation not permitted on directory '{refusing}'\n", r.Err);
        Assert.Equal([Seg(1, 1)], h.XlogdbNames());
        Assert.Equal([Seg(1, 2), Seg(1, 3)], h.Names(h.Streaming));
        Assert.Equal([], LeftoversIn(h.Server.WalsDirectory));
    }

    /// <summary>Expected I/O failures through the CLI: one ERROR line with the cause on stderr and in the log, no stack trace anywhere.</summary>
    [Theory]
    [InlineData("full", "No space left on device")]
    [InlineData("read-only", "Read-only file system")]
    [InlineData("immutable", "Operation not permitted")]
    public async Task An_expected_io_failure_is_one_line_with_its_cause_in_the_log_too(string fault, string cause)
    {
        using var h = new ArchiveHarness(s => s with { Compression = "gzip" });
        var config = h.WriteConfig("streaming_archiver = on\nslot_name = barman\ncompression = gzip");
        using var mount = fault == "immutable" ? null : await Tmpfs.MountAsync(h.Server.WalsDirectory, "1m");
        Directory.CreateDirectory(h.Server.WalsDirectory);
        RandomSegments(h, 6);
        switch (fault)
        {
            case "full":
                Fill(h.Server.WalsDirectory);
                break;
            case "read-only":
                var (code, _, err) = await Tool("mount", "-o", "remount,ro", h.Server.WalsDirectory);
                Assert.True(code == 0, err);
                break;
            default:
                await Chattr("+i", h.Server.WalsDirectory);
                break;
        }
        CliResult r;
        try
        {
            r = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");
        }
        finally
        {
            if (fault == "immutable")
                await Chattr("-i", h.Server.WalsDirectory);
        }

        Assert.Equal(1, r.ExitCode);
        var error = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.True(error.StartsWith("ERROR: ", StringComparison.Ordinal) && error.Contains(cause, StringComparison.Ordinal), r.ToString());
        var log = await File.ReadAllLinesAsync(h.Dir.Combine("barman.log"));
        var logged = Assert.Single(log, l => l.Contains(" ERROR: ", StringComparison.Ordinal));
        Assert.EndsWith(" ERROR: " + error["ERROR: ".Length..], logged, StringComparison.Ordinal);
        Assert.DoesNotContain(log, l => l.StartsWith("   at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal));
        Assert.DoesNotContain("EXCEPTION", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lock_directory_that_cannot_be_written_is_one_error_line()
    {
        using var h = new ArchiveHarness();
        var locks = h.Dir.Combine("locks");
        h.Server = h.Server with { Global = h.Global with { LockDirectory = locks } };
        using var mount = await Tmpfs.MountAsync(locks, "1m");
        var (code, _, err) = await Tool("mount", "-o", "remount,ro", locks);
        Assert.True(code == 0, err);
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));

        var r = await h.RunAsync();

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"ERROR: Unable to take the archive-wal lock '{WalLayout.ArchiveWalLockPath(h.Server)}' of server 'pg': Read-only file system on directory '{locks}'\n", r.Err);
        Assert.Equal([Seg(1, 1), Seg(1, 2)], h.Names(h.Streaming));
    }

    /// <summary>Queues <paramref name="count"/> segments of incompressible content (300 KiB each); returns their bytes by name.</summary>
    private static Dictionary<string, byte[]> RandomSegments(ArchiveHarness h, int count)
    {
        var random = new Random(17);
        var contents = new Dictionary<string, byte[]>();
        for (var i = 1; i <= count; i++)
        {
            var bytes = new byte[300 * 1024];
            random.NextBytes(bytes);
            contents[Seg(1, (ulong)i)] = File.ReadAllBytes(h.Put(h.Streaming, Seg(1, (ulong)i), bytes));
        }
        return contents;
    }

    /// <summary>Each segment is either still queued or archived whole and listed once in xlog.db, never both, never lost.</summary>
    private static void AssertArchiveConsistent(ArchiveHarness h, Dictionary<string, byte[]> contents)
    {
        var listed = h.XlogdbNames();
        Assert.Equal(listed.Length, listed.Distinct().Count());
        foreach (var (name, content) in contents)
        {
            var queued = File.Exists(Path.Combine(h.Streaming, name));
            Assert.True(queued != listed.Contains(name), $"{name}: queued {queued}, listed {listed.Contains(name)}");
            if (queued)
                Assert.Equal(content, File.ReadAllBytes(Path.Combine(h.Streaming, name)));
            else
                Assert.Equal(content, h.ArchivedContent(name));
        }
    }

    /// <summary>The staging files and journals under <paramref name="directory"/>.</summary>
    private static string[] LeftoversIn(string directory) =>
        [.. Leftovers.SelectMany(pattern => Directory.GetFiles(directory, pattern, SearchOption.AllDirectories)).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Fills the filesystem of <paramref name="directory"/> (a tmpfs) but <paramref name="leavePages"/> pages; returns the filler.</summary>
    private static string Fill(string directory, int leavePages = 0)
    {
        var path = Path.Combine(directory, "filler");
        var page = new byte[4096];
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
                fs.Write(page);
        }
        catch (IOException e) when (e.HResult == Core.Os.FileCalls.ENOSPC)
        {
        }
        fs.SetLength(fs.Length / page.Length * page.Length - (leavePages * page.Length));
        return path;
    }

    private static async Task Chattr(string flag, string path)
    {
        var (code, _, err) = await Tool("chattr", flag, path);
        Assert.True(code == 0, err);
    }
}
