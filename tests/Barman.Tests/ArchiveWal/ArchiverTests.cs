using System.Text.RegularExpressions;
using Barman.Core.Compression;
using Barman.Core.Os;
using Barman.Core.Text;
using Barman.Core.Wal;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

public sealed partial class ArchiverTests
{
    [GeneratedRegex(@"^\d{8}T\d{6}Z$")]
    private static partial Regex Stamp();

    [Fact]
    public async Task Keeps_the_newest_complete_segment_when_no_partial_exists()
    {
        using var h = new ArchiveHarness();
        var contents = Enumerable.Range(1, 3).Select(i => Content(i)).ToArray();
        for (var i = 0; i < 3; i++)
            h.Put(h.Streaming, Seg(1, (ulong)i + 0xD), contents[i]);
        var mtime = FileCalls.Lstat(Path.Combine(h.Streaming, Seg(1, 0xD)))!.Value;

        var r = await h.RunAsync();

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Processing xlog segments from streaming for pg\n\t00000001000000000000000D\n\t00000001000000000000000E\n", r.Out);
        Assert.Equal("", r.Err);
        Assert.Equal(["00000001000000000000000F"], h.Names(h.Streaming));
        Assert.Equal(contents[0], await File.ReadAllBytesAsync(h.Dir.Combine("pg", "wals", "0000000100000000", "00000001000000000000000D")));
        Assert.Equal(contents[1], h.ArchivedContent("00000001000000000000000E"));
        Assert.Equal($"00000001000000000000000D\t{contents[0].Length}\t{PythonFloat.Format(mtime.PythonMtime)}\tNone", h.XlogdbLines()[0]);
        Assert.Equal(["00000001000000000000000D", "00000001000000000000000E"], h.XlogdbNames());

        var again = await h.RunAsync();
        Assert.Equal("Processing xlog segments from streaming for pg\n\tno file found\n", again.Out);
        Assert.Equal(2, h.XlogdbLines().Length);
    }

    [Fact]
    public async Task Nothing_to_do_creates_neither_wals_nor_xlogdb()
    {
        using var h = new ArchiveHarness();
        var r = await h.RunAsync();
        Assert.Equal("Processing xlog segments from streaming for pg\n\tno file found\n", r.Out);
        Assert.False(Directory.Exists(h.Server.WalsDirectory));
        Assert.False(Directory.Exists(h.Server.ErrorsDirectory));
    }

    [Fact]
    public async Task Newest_partial_stays_and_tmp_and_hidden_files_are_ignored()
    {
        using var h = new ArchiveHarness();
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));
        h.Put(h.Streaming, Seg(1, 3) + ".partial");
        h.Put(h.Streaming, Seg(1, 4) + ".tmp");
        h.Put(h.Streaming, ".hidden");
        var r = await h.RunAsync();
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\n\t{Seg(1, 2)}\n", r.Out);
        Assert.Equal([".hidden", Seg(1, 3) + ".partial", Seg(1, 4) + ".tmp"], h.Names(h.Streaming));
    }

    [Fact]
    public async Task Timeline_switch_archives_history_new_timeline_then_the_older_partial()
    {
        // spec §14.11
        using var h = new ArchiveHarness();
        h.Put(h.Streaming, "000000010000000000000010.partial");
        h.Put(h.Streaming, "00000002.history", "1\t0/10A242E8\tno recovery target specified\n"u8.ToArray());
        h.Put(h.Streaming, "000000020000000000000010");
        h.Put(h.Streaming, "000000020000000000000011");
        h.Put(h.Streaming, "000000020000000000000012.partial");

        var r = await h.RunAsync();

        Assert.Equal("Processing xlog segments from streaming for pg\n\t00000002.history\n\t000000020000000000000010\n\t000000020000000000000011\n\t000000010000000000000010.partial\n", r.Out);
        Assert.Equal(["00000002.history", "000000020000000000000010", "000000020000000000000011", "000000010000000000000010.partial"], h.XlogdbNames());
        Assert.True(File.Exists(h.Dir.Combine("pg", "wals", "00000002.history")));
        Assert.True(File.Exists(h.Dir.Combine("pg", "wals", "0000000100000000", "000000010000000000000010.partial")));
        Assert.True(File.Exists(h.Dir.Combine("pg", "wals", "0000000200000000", "000000020000000000000011")));
        Assert.Equal(["000000020000000000000012.partial"], h.Names(h.Streaming));
    }

    [Fact]
    public async Task Batch_size_limits_the_run_and_is_shown_in_the_header()
    {
        using var h = new ArchiveHarness(s => s with { StreamingArchiverBatchSize = 2 });
        for (ulong i = 1; i <= 5; i++)
            h.Put(h.Streaming, Seg(1, i));
        h.Put(h.Streaming, Seg(1, 6) + ".partial");
        var r = await h.RunAsync();
        Assert.Equal($"Processing xlog segments from streaming for pg (batch size: 2)\n\t{Seg(1, 1)}\n\t{Seg(1, 2)}\n", r.Out);
        r = await h.RunAsync();
        Assert.Equal($"Processing xlog segments from streaming for pg (batch size: 2)\n\t{Seg(1, 3)}\n\t{Seg(1, 4)}\n", r.Out);
        r = await h.RunAsync();
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 5)}\n", r.Out);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => Seg(1, (ulong)i)), h.XlogdbNames());
    }

    [Fact]
    public async Task Non_verbose_prints_the_header_only_before_a_file_and_no_no_file_found()
    {
        using var h = new ArchiveHarness();
        var r = await h.RunAsync(verbose: false);
        Assert.Equal("", r.Out);
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2) + ".partial");
        r = await h.RunAsync(verbose: false);
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\n", r.Out);
    }

    [Fact]
    public async Task Unknown_objects_and_directories_go_to_errors_which_is_created()
    {
        using var h = new ArchiveHarness();
        h.Put(h.Streaming, "foo.txt", "hello\n"u8.ToArray());
        Directory.CreateDirectory(Path.Combine(h.Streaming, "subdir"));
        h.Put(h.Streaming, "README", "x"u8.ToArray());
        var r = await h.RunAsync();
        Assert.Equal("Processing xlog segments from streaming for pg\n\tno file found\nSome unknown objects have been found while processing xlog segments for pg. Objects moved to errors directory:\n\tREADME\n\tfoo.txt\n\tsubdir\n", r.Out);
        Assert.Equal(0, r.ExitCode);
        var errors = h.Names(h.Server.ErrorsDirectory);
        Assert.Equal(3, errors.Length);
        foreach (var (e, name) in errors.Zip(new[] { "README", "foo.txt", "subdir" }))
        {
            Assert.StartsWith(name + ".", e, StringComparison.Ordinal);
            Assert.EndsWith(".unknown", e, StringComparison.Ordinal);
            Assert.Matches(Stamp(), e[(name.Length + 1)..^".unknown".Length]);
        }
        Assert.True(Directory.Exists(Path.Combine(h.Server.ErrorsDirectory, errors[2])));
        Assert.Empty(h.Names(h.Streaming));
    }

    [Fact]
    public async Task Identical_duplicate_is_dropped_without_an_xlogdb_line()
    {
        using var h = new ArchiveHarness(s => s with { Compression = "zstd" });
        var content = Content(42);
        h.Put(h.Streaming, Seg(1, 1), content);
        h.Put(h.Streaming, Seg(1, 2) + ".partial");
        await h.RunAsync();
        Assert.Equal(CompressionFormat.Zstd, Compressors.Identify(h.ArchivePath(Seg(1, 1))));

        // the same bytes arrive again (plain) while the archive holds them compressed
        h.Put(h.Streaming, Seg(1, 1), content);
        var r = await h.RunAsync();
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\n", r.Out);
        Assert.Equal([Seg(1, 2) + ".partial"], h.Names(h.Streaming));
        Assert.Single(h.XlogdbLines());
        Assert.False(Directory.Exists(h.Server.ErrorsDirectory));
    }

    [Fact]
    public async Task Different_duplicate_goes_to_errors_even_with_same_size_and_mtime()
    {
        using var h = new ArchiveHarness();
        var original = Content(1);
        var path = h.Put(h.Streaming, Seg(1, 1), original);
        var status = FileCalls.Lstat(path)!.Value;
        h.Put(h.Streaming, Seg(1, 2) + ".partial");
        await h.RunAsync();

        var changed = (byte[])original.Clone();
        changed[1000] ^= 0xFF;
        path = h.Put(h.Streaming, Seg(1, 1), changed);
        using (var fs = new FileStream(path, FileMode.Open))
            FileCalls.SetTimes(fs.SafeFileHandle, status); // same size and mtime: Barman's shallow compare would call it identical
        var r = await h.RunAsync();

        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\n\tError: {Seg(1, 1)} is already present in server pg. File moved to errors directory.\n", r.Out);
        Assert.Equal(0, r.ExitCode);
        var error = Assert.Single(h.Names(h.Server.ErrorsDirectory));
        Assert.Matches(Stamp(), error[(Seg(1, 1).Length + 1)..^".duplicate".Length]);
        Assert.Equal(changed, await File.ReadAllBytesAsync(Path.Combine(h.Server.ErrorsDirectory, error)));
        Assert.Equal(original, h.ArchivedContent(Seg(1, 1)));
        Assert.Single(h.XlogdbLines());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Incoming_compressed_duplicate_is_compared_decompressed(bool identical)
    {
        using var h = new ArchiveHarness(s => s with { StreamingArchiver = false, Archiver = true });
        var content = Content(9);
        h.Put(h.Incoming, Seg(1, 1), content);
        await h.RunAsync();
        Assert.Equal("None", h.XlogdbLines()[0].Split('\t')[3]);

        var other = identical ? content : Content(10);
        var plain = h.Put(h.Dir.Combine("src"), "x", other);
        var (code, gz, _) = await Tool("/usr/bin/gzip", "-c", plain);
        Assert.Equal(0, code);
        h.Put(h.Incoming, Seg(1, 1), gz);
        var r = await h.RunAsync();
        var expected = $"Processing xlog segments from file archival for pg\n\t{Seg(1, 1)}\n" +
            (identical ? "" : $"\tError: {Seg(1, 1)} is already present in server pg. File moved to errors directory.\n");
        Assert.Equal(expected, r.Out);
        Assert.Empty(h.Names(h.Incoming));
        Assert.Equal(identical ? 0 : 1, h.Names(h.Server.ErrorsDirectory).Length);
    }

    [Fact]
    public async Task Incoming_keeps_no_file_back_and_records_detected_compression()
    {
        using var h = new ArchiveHarness(s => s with { StreamingArchiver = false, Archiver = true, Compression = "bzip2" });
        var content = Content(3);
        var plain = h.Put(h.Dir.Combine("src"), "x", SegmentContent(Seg(1, 1), 3));
        var (_, gz, _) = await Tool("/usr/bin/gzip", "-c", plain);
        h.Put(h.Incoming, Seg(1, 1), gz);
        h.Put(h.Incoming, Seg(1, 2), content);
        h.Put(h.Incoming, Seg(1, 3) + ".partial", Content(3));
        h.Put(h.Incoming, "00000002.history", "1\t0/3000000\tno recovery target specified\n"u8.ToArray());

        var r = await h.RunAsync();

        Assert.Equal($"Processing xlog segments from file archival for pg\n\t{Seg(1, 1)}\n\t{Seg(1, 2)}\n\t{Seg(1, 3)}.partial\n\t00000002.history\n", r.Out);
        Assert.Empty(h.Names(h.Incoming));
        var lines = h.XlogdbLines().Select(l => l.Split('\t')).ToArray();
        Assert.Equal(["gzip", "bzip2", "bzip2", "bzip2"], lines.Select(l => l[3]));
        Assert.Equal(gz.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[0][1]);
        Assert.Equal(gz, await File.ReadAllBytesAsync(h.ArchivePath(Seg(1, 1))));
        Assert.Equal(CompressionFormat.Bzip2, Compressors.Identify(h.ArchivePath("00000002.history")));
        Assert.Equal(content, h.ArchivedContent(Seg(1, 2)));
    }

    [Theory]
    [MemberData(nameof(CompressionTools.NamesAndTools), MemberType = typeof(CompressionTools))]
    public async Task Compressed_archive_keeps_mtime_is_private_and_records_the_compressor(string compression, string tool)
    {
        using var h = new ArchiveHarness(s => s with { Compression = compression });
        var contents = Enumerable.Range(1, 6).Select(i => Content(i, 1 << 20)).ToArray();
        for (var i = 0; i < 6; i++)
        {
            var p = h.Put(h.Streaming, Seg(1, (ulong)i + 1), contents[i]);
            File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }
        var sources = Enumerable.Range(1, 5).Select(i => FileCalls.Lstat(Path.Combine(h.Streaming, Seg(1, (ulong)i)))!.Value).ToArray();

        var r = await h.RunAsync();

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => Seg(1, (ulong)i)), h.XlogdbNames());
        for (var i = 0; i < 5; i++)
        {
            var name = Seg(1, (ulong)i + 1);
            var archived = FileCalls.Lstat(h.ArchivePath(name))!.Value;
            Assert.Equal(sources[i].MtimeSeconds, archived.MtimeSeconds);
            Assert.Equal(sources[i].MtimeNanoseconds, archived.MtimeNanoseconds);
            Assert.Equal(FileModes.PrivateFile, archived.Mode); // not the source's 0640
            Assert.Equal($"{name}\t{archived.Size}\t{PythonFloat.Format(sources[i].PythonMtime)}\t{compression}", h.XlogdbLines()[i]);
            var (code, output, err) = await Tool(tool, "-d", "-c", h.ArchivePath(name));
            Assert.True(code == 0, err);
            Assert.Equal(contents[i], output);
        }
        Assert.Empty(Directory.GetFiles(h.Server.WalsDirectory, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(WalLayout.JournalPath(h.Server)));
    }

    [Fact]
    public async Task Busy_archive_wal_lock_is_reported_as_info_with_exit_0()
    {
        using var h = new ArchiveHarness();
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));
        using var held = LockFile.TryAcquire(WalLayout.ArchiveWalLockPath(h.Server));
        Assert.NotNull(held);
        // flock is per open file description: a second open in this process conflicts like another process would.
        var r = await h.RunAsync();
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Another archive-wal process is already running on server pg. Skipping to the next server\n", r.Out);
        Assert.Equal(2, h.Names(h.Streaming).Length);
    }

    [Fact]
    public async Task Both_archivers_run_streaming_first()
    {
        using var h = new ArchiveHarness(s => s with { Archiver = true });
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));
        h.Put(h.Incoming, Seg(1, 3));
        var r = await h.RunAsync();
        Assert.Equal($"Processing xlog segments from streaming for pg\n\t{Seg(1, 1)}\nProcessing xlog segments from file archival for pg\n\t{Seg(1, 3)}\n", r.Out);
    }

    [Fact]
    public async Task Lock_file_keeps_the_pid_and_is_not_deleted()
    {
        using var h = new ArchiveHarness();
        await h.RunAsync();
        Assert.Equal($"{Environment.ProcessId}\n", await File.ReadAllTextAsync(WalLayout.ArchiveWalLockPath(h.Server)));
    }
}
