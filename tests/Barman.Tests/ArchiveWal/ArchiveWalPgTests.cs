using Barman.Core.Os;
using Barman.Core.Wal;
using Barman.Core.Compression;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

/// <summary>archive-wal over real segments streamed by pg_receivewal from a real PostgreSQL 15.</summary>
public sealed class ArchiveWalPgTests(StreamedWalFixture pg) : IClassFixture<StreamedWalFixture>
{
    [Fact]
    public async Task Archives_streamed_segments_byte_identical_to_the_servers_wal()
    {
        Assert.True(pg.Segments.Count >= 4);
        using var h = new ArchiveHarness();
        var config = h.WriteConfig();
        pg.CopyTo(h.Streaming, [.. pg.Segments, pg.Partial]);

        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("Processing xlog segments from streaming for pg\n" + string.Concat(pg.Segments.Select(s => $"\t{s}\n")), r.Out);
        Assert.Equal([pg.Partial], h.Names(h.Streaming));
        Assert.Equal(pg.Segments, h.XlogdbNames());
        foreach (var name in pg.Segments)
        {
            var archived = h.Dir.Combine("pg", "wals", name[..16], name);
            Assert.Equal(16L << 20, new FileInfo(archived).Length);
            Assert.Equal(await File.ReadAllBytesAsync(pg.ServerWalPath(name)), await File.ReadAllBytesAsync(archived));
        }
        foreach (var line in h.XlogdbLines())
        {
            var parts = line.Split('\t');
            Assert.Equal("16777216", parts[1]);
            Assert.Matches(@"^\d{10}\.\d+$", parts[2]);
            Assert.Equal("None", parts[3]);
        }
    }

    [Fact]
    public async Task Without_a_partial_the_newest_segment_stays()
    {
        using var h = new ArchiveHarness();
        pg.CopyTo(h.Streaming, pg.Segments);
        var r = await h.RunAsync();
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([pg.Segments[^1]], h.Names(h.Streaming));
        Assert.Equal(pg.Segments.SkipLast(1), h.XlogdbNames());
    }

    [Theory]
    [MemberData(nameof(CompressionTools.NamesAndTools), MemberType = typeof(CompressionTools))]
    public async Task Compressed_real_segments_decompress_with_the_standard_tool(string compression, string tool)
    {
        using var h = new ArchiveHarness(s => s with { Compression = compression });
        var names = pg.Segments.Take(2).ToArray();
        pg.CopyTo(h.Streaming, [.. names, pg.Partial]);
        var r = await h.RunAsync();
        Assert.Equal(0, r.ExitCode);
        foreach (var (name, line) in names.Zip(h.XlogdbLines()))
        {
            var archived = h.ArchivePath(name);
            Assert.Equal($"{name}\t{new FileInfo(archived).Length}", string.Join('\t', line.Split('\t')[..2]));
            Assert.EndsWith("\t" + compression, line, StringComparison.Ordinal);
            Assert.True(new FileInfo(archived).Length < 16L << 20);
            var (code, output, err) = await Tool(tool, "-d", "-c", archived);
            Assert.True(code == 0, err);
            Assert.Equal(await File.ReadAllBytesAsync(pg.ServerWalPath(name)), output);
        }
    }

    [Fact]
    public async Task Timeline_switch_files_from_real_segments()
    {
        // pg_receivewal after a promotion: old-timeline partial, history, new-timeline segments and partial (spec §14.11)
        using var h = new ArchiveHarness();
        var s = pg.Segments;
        var tli2 = (string n) => "00000002" + n[8..];
        pg.CopyTo(h.Streaming, [s[0]], n => n + ".partial");
        pg.CopyTo(h.Streaming, [s[0], s[1]], tli2);
        pg.CopyTo(h.Streaming, [s[2]], n => tli2(n) + ".partial");
        h.Put(h.Streaming, "00000002.history", "1\t0/10A242E8\tno recovery target specified\n"u8.ToArray());

        var r = await h.RunAsync();

        Assert.Equal($"Processing xlog segments from streaming for pg\n\t00000002.history\n\t{tli2(s[0])}\n\t{tli2(s[1])}\n\t{s[0]}.partial\n", r.Out);
        Assert.True(File.Exists(h.Dir.Combine("pg", "wals", "00000002.history")));
        Assert.Equal(await File.ReadAllBytesAsync(pg.ServerWalPath(s[0])), await File.ReadAllBytesAsync(h.Dir.Combine("pg", "wals", "0000000100000000", s[0] + ".partial")));
        Assert.Equal(await File.ReadAllBytesAsync(pg.ServerWalPath(s[1])), await File.ReadAllBytesAsync(h.Dir.Combine("pg", "wals", "0000000200000000", tli2(s[1]))));
        Assert.Equal([tli2(s[2]) + ".partial"], h.Names(h.Streaming));
        Assert.Equal(["00000002.history", tli2(s[0]), tli2(s[1]), s[0] + ".partial"], h.XlogdbNames());
    }

    [Fact]
    public async Task Duplicates_both_ways_with_real_segments()
    {
        using var h = new ArchiveHarness(s => s with { Compression = "lz4", Archiver = true });
        var name = pg.Segments[0];
        pg.CopyTo(h.Streaming, [name, pg.Partial]);
        await h.RunAsync();
        Assert.Equal(CompressionFormat.Lz4, Compressors.Identify(h.ArchivePath(name)));

        // identical bytes arriving through incoming (compressed archive vs plain source): dropped silently
        pg.CopyTo(h.Incoming, [name]);
        var r = await h.RunAsync();
        Assert.Equal($"Processing xlog segments from streaming for pg\n\tno file found\nProcessing xlog segments from file archival for pg\n\t{name}\n", r.Out);
        Assert.Single(h.XlogdbLines());
        Assert.Empty(h.Names(h.Incoming));

        // another real segment under that name is not that segment: refused before any duplicate check,
        // kept as errors/<name>.<stamp>.corrupt (made-up different duplicates: ArchiverErrorTests)
        pg.CopyTo(h.Incoming, [pg.Segments[1]], _ => name);
        r = await h.RunAsync();
        var at = Lsn.Format(Lsn.SegmentStart(name, Lsn.DefaultSegmentSize));
        Assert.Contains($"\tError: {name} is not WAL of server pg: unexpected page address {Lsn.Format(Lsn.SegmentStart(pg.Segments[1], Lsn.DefaultSegmentSize))}, expected {at}. File moved to errors directory.\n", r.Out, StringComparison.Ordinal);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"ERROR: {name} refused by archive-wal of server pg: unexpected page address", r.Err, StringComparison.Ordinal);
        var error = Assert.Single(h.Names(h.Server.ErrorsDirectory));
        Assert.EndsWith(".corrupt", error, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(pg.ServerWalPath(pg.Segments[1])), await File.ReadAllBytesAsync(Path.Combine(h.Server.ErrorsDirectory, error)));
        Assert.Equal(await File.ReadAllBytesAsync(pg.ServerWalPath(name)), h.ArchivedContent(name));
        Assert.Single(h.XlogdbLines());
    }

    [Fact]
    public async Task Batch_and_unknown_objects_and_lock_over_real_segments()
    {
        using var h = new ArchiveHarness(s => s with { StreamingArchiverBatchSize = 2 });
        var config = h.WriteConfig("streaming_archiver = on\nslot_name = barman\nstreaming_archiver_batch_size = 2");
        pg.CopyTo(h.Streaming, [.. pg.Segments, pg.Partial]);
        h.Put(h.Streaming, "notes.txt", "x"u8.ToArray());

        using (var held = LockFile.TryAcquire(WalLayout.ArchiveWalLockPath(h.Server)))
        {
            var busy = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");
            Assert.Equal("Another archive-wal process is already running on server pg. Skipping to the next server\n", busy.Out);
        }
        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");
        Assert.Equal($"Processing xlog segments from streaming for pg (batch size: 2)\n\t{pg.Segments[0]}\n\t{pg.Segments[1]}\nSome unknown objects have been found while processing xlog segments for pg. Objects moved to errors directory:\n\tnotes.txt\n", r.Out);
        Assert.Equal(pg.Segments.Take(2), h.XlogdbNames());
    }
}
