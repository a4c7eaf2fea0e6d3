using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

public sealed class LargeQueueTests
{
    /// <summary>
    /// 100 000 queued files, batch size 100: the run archives exactly the first 100 and leaves the
    /// rest untouched (names are classified from the listing alone; only the batch is stat'ed).
    /// </summary>
    [Fact]
    public async Task Hundred_thousand_files_batch_of_100()
    {
        using var h = new ArchiveHarness(s => s with { StreamingArchiverBatchSize = 100 });
        Directory.CreateDirectory(h.Streaming);
        const int count = 100_000;
        // a first page header each: archive-wal reads 40 bytes of every file it archives
        for (var i = 1; i <= count; i++)
            File.WriteAllBytes(Path.Combine(h.Streaming, Seg(1, (ulong)i)), StampHeader(new byte[40], Seg(1, (ulong)i)));
        File.WriteAllBytes(Path.Combine(h.Streaming, Seg(1, count + 1) + ".partial"), StampHeader(new byte[40], Seg(1, count + 1)));

        var r = await h.RunAsync();

        Assert.Equal(0, r.ExitCode);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Processing xlog segments from streaming for pg (batch size: 100)", lines[0]);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => "\t" + Seg(1, (ulong)i)), lines[1..]);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => Seg(1, (ulong)i)), h.XlogdbNames());
        Assert.Equal(count - 100 + 1, Directory.EnumerateFiles(h.Streaming).Count());
        Assert.True(File.Exists(Path.Combine(h.Streaming, Seg(1, 101))));
        Assert.Equal(100, Directory.GetFiles(Path.Combine(h.Server.WalsDirectory, "0000000100000000")).Length);
    }
}
