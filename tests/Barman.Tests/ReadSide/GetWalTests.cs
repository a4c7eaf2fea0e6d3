using Barman.Core.Compression;
using Barman.Tests.ArchiveWal;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ReadSide;

/// <summary><c>barman get-wal</c> through the real executable, over archives of every compression.</summary>
public sealed class GetWalTests
{
    /// <summary>Every compressor name, and a plain archive.</summary>
    public static TheoryData<string> Compressions()
    {
        var data = new TheoryData<string> { "none" };
        // pigz is only a compressor of the in-process table: Barman 3.4's configuration refuses it (gzip format anyway)
        foreach (var (name, _, _) in CompressionTools.All.Where(c => c.Name != "pigz"))
            data.Add(name);
        return data;
    }

    private static ReadSideHarness HarnessFor(string compression) =>
        new(compression == "none" ? "archiver = on" : $"archiver = on\ncompression = {compression}");

    [Theory]
    [MemberData(nameof(Compressions))]
    public async Task Every_output_form_over_every_compression(string compression)
    {
        using var h = HarnessFor(compression);
        var wal = Seg(1, 3);
        var original = WholeSegment(wal, 11, 1 << 20);
        await h.ArchiveAsync((wal, original));
        var stored = await File.ReadAllBytesAsync(h.Archive.ArchivePath(wal));
        var storedFormat = ReadSideHarness.FormatOf(stored);
        Assert.Equal(compression == "none" ? null : Compressors.Get(compression)!.Format, storedFormat);

        // standard output: the original bytes and nothing else
        var r = await h.RunAsync("get-wal", "pg", wal);
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal(original, r.Out);

        // -z / -j: recompressed, readable by the standard tool
        foreach (var (flag, tool, format) in new[] { ("-z", "/usr/bin/gzip", CompressionFormat.Gzip), ("-j", "/usr/bin/bzip2", CompressionFormat.Bzip2) })
        {
            r = await h.RunAsync("get-wal", flag, "pg", wal);
            Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
            Assert.Equal(format, ReadSideHarness.FormatOf(r.Out));
            Assert.Equal(original, await h.DecompressWithToolAsync(tool, r.Out));
        }

        // --keep-compression: the stored bytes
        r = await h.RunAsync("get-wal", "--keep-compression", "pg", wal);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(stored, r.Out);

        // -o DIR: DIR/<wal>, durable, Barman's line on stdout
        var dir = h.Archive.Dir.Combine("restore");
        Directory.CreateDirectory(dir);
        r = await h.RunAsync("get-wal", "-o", dir, "pg", wal);
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal($"Sending WAL '{wal}' for server 'pg' into '{dir}/{wal}' file\n", r.Text);
        Assert.Equal(original, await File.ReadAllBytesAsync(Path.Combine(dir, wal)));
        Assert.Equal([wal], h.Archive.Names(dir));
    }

    [Fact]
    public async Task Missing_and_invalid_names_and_test_mode()
    {
        using var h = HarnessFor("gzip");
        await h.ArchiveAsync((Seg(1, 1), WholeSegment(Seg(1, 1), 1, 1 << 20)));
        var missing = Seg(1, 2);

        var r = await h.RunAsync("get-wal", "pg", missing);
        Assert.Equal(1, r.ExitCode);
        Assert.Empty(r.Out);
        Assert.Equal($"ERROR: WAL file '{missing}' not found in server 'pg'\n", r.Err);

        // -o with a missing WAL leaves nothing behind (Barman 3.4 leaves an empty file)
        var dir = h.Archive.Dir.Combine("restore");
        Directory.CreateDirectory(dir);
        r = await h.RunAsync("get-wal", "-o", dir, "pg", missing);
        Assert.Equal(1, r.ExitCode);
        Assert.Empty(h.Archive.Names(dir));

        r = await h.RunAsync("get-wal", "pg", "not-a-wal");
        Assert.Equal(3, r.ExitCode);
        Assert.Empty(r.Out);
        Assert.Equal("ERROR: 'not-a-wal' is not a valid wal file name\n", r.Err);

        r = await h.RunAsync("get-wal", "-t", "pg", "dummy_wal_name");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Ready to retrieve WAL files from the server pg\n", r.Text);

        r = await h.RunAsync("get-wal", "-z", "-j", "pg", Seg(1, 1));
        Assert.Equal(2, r.ExitCode);
        Assert.Empty(r.Out);

        r = await h.RunAsync("get-wal", "-o", h.Archive.Dir.Combine("no", "such", "dir"), "pg", Seg(1, 1));
        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith("ERROR: Unable to open ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_order_queues_history_backup_label_and_partial()
    {
        using var h = HarnessFor("zstd");
        var history = "1\t0/5000000\tno recovery target specified\n"u8.ToArray();
        var label = "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n"u8.ToArray();
        await h.ArchiveAsync((Seg(1, 1), WholeSegment(Seg(1, 1), 1, 1 << 20)), ("00000002.history", history), (Seg(1, 2) + ".00000028.backup", label));

        Assert.Equal(history, (await h.RunAsync("get-wal", "pg", "00000002.history")).Out);
        Assert.Equal(label, (await h.RunAsync("get-wal", "pg", Seg(1, 2) + ".00000028.backup")).Out);

        // not yet archived: incoming/, then streaming/
        h.Archive.Put(h.Incoming, Seg(1, 4), WholeSegment(Seg(1, 4), 4, 1 << 20));
        h.Archive.Put(h.Streaming, Seg(1, 5), WholeSegment(Seg(1, 5), 5, 1 << 20));
        Assert.Equal(WholeSegment(Seg(1, 4), 4, 1 << 20), (await h.RunAsync("get-wal", "pg", Seg(1, 4))).Out);
        Assert.Equal(WholeSegment(Seg(1, 5), 5, 1 << 20), (await h.RunAsync("get-wal", "pg", Seg(1, 5))).Out);

        // the segment pg_receivewal is writing: only with -P, served under the requested name
        h.Archive.Put(h.Streaming, Seg(1, 6) + ".partial", WholeSegment(Seg(1, 6), 6, 1 << 20));
        var r = await h.RunAsync("get-wal", "pg", Seg(1, 6));
        Assert.Equal(1, r.ExitCode);
        r = await h.RunAsync("get-wal", "-P", "pg", Seg(1, 6));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(WholeSegment(Seg(1, 6), 6, 1 << 20), r.Out);
        var dir = h.Archive.Dir.Combine("restore");
        Directory.CreateDirectory(dir);
        r = await h.RunAsync("get-wal", "-P", "-o", dir, "pg", Seg(1, 6));
        Assert.Equal($"Sending WAL '{Seg(1, 6)}.partial' for server 'pg' into '{dir}/{Seg(1, 6)}' file\n", r.Text);
        Assert.Equal(WholeSegment(Seg(1, 6), 6, 1 << 20), await File.ReadAllBytesAsync(Path.Combine(dir, Seg(1, 6))));

        // an inactive server still serves its archive
        var inactive = h.Archive.WriteConfig("archiver = on\nactive = false");
        var fromInactive = await ReadSideHarness.RunProgramAsync(Barman.Tests.Infrastructure.CliRunner.ExecutablePath, ["-c", inactive, "get-wal", "pg", Seg(1, 1)]);
        Assert.Equal(WholeSegment(Seg(1, 1), 1, 1 << 20), fromInactive.Out);
    }

    [Fact]
    public async Task Peek_lists_consecutive_names_across_a_log_boundary()
    {
        using var h = HarnessFor("none");
        // 16 MiB segments: ...00FF is the last of log 0, the next is log 1 segment 0
        var names = new[] { "0000000100000000000000FE", "0000000100000000000000FF", "000000010000000100000000", "000000010000000100000001", "000000010000000100000003" };
        await h.ArchiveAsync([.. names.Select((n, i) => (n, Content(i, 1024)))]);

        var r = await h.RunAsync("get-wal", "--peek", "10", "pg", names[0]);
        Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
        Assert.Equal(string.Concat(names[..4].Select(n => n + "\n")), r.Text);

        r = await h.RunAsync("get-wal", "-p", "2", "pg", names[0]);
        Assert.Equal($"{names[0]}\n{names[1]}\n", r.Text);

        // a name that is not there lists nothing; a queued file counts
        r = await h.RunAsync("get-wal", "-p", "3", "pg", "000000010000000100000002");
        Assert.Equal("", r.Text);
        h.Archive.Put(h.Incoming, "000000010000000100000002", Content(9, 1024));
        r = await h.RunAsync("get-wal", "-p", "3", "pg", "000000010000000100000002");
        Assert.Equal("000000010000000100000002\n000000010000000100000003\n", r.Text);

        r = await h.RunAsync("get-wal", "-p", "0", "pg", names[0]);
        Assert.Equal(2, r.ExitCode);
    }

    /// <summary>A 1 MiB segment of <paramref name="name"/> whose first page has a long header declaring 1 MiB segments of 8 KiB pages.</summary>
    internal static byte[] SegmentLike(string name, int seed) => WholeSegment(name, seed, 1 << 20);

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("bzip2")]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public async Task A_damaged_archive_file_is_an_error_and_nothing_is_half_written(string compression)
    {
        using var h = HarnessFor(compression);
        var wal = Seg(1, 1);
        await h.ArchiveAsync((wal, SegmentLike(wal, 3)));
        Assert.Equal(SegmentLike(wal, 3), (await h.RunAsync("get-wal", "pg", wal)).Out);
        var path = h.Archive.ArchivePath(wal);
        var stored = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, stored[..(stored.Length / 2)]);

        var r = await h.RunAsync("get-wal", "pg", wal);
        Assert.Equal(1, r.ExitCode);
        Assert.Empty(r.Out);
        Assert.StartsWith($"ERROR: Unable to send WAL '{wal}' for server 'pg' to standard output: {path}: ", r.Err, StringComparison.Ordinal);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));

        var dir = h.Archive.Dir.Combine("restore");
        Directory.CreateDirectory(dir);
        r = await h.RunAsync("get-wal", "-o", dir, "pg", wal);
        Assert.Equal(1, r.ExitCode);
        Assert.Empty(h.Archive.Names(dir));
    }
}
