using System.Text;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ArchiveWal;

/// <summary>
/// The fast xlog.db summary (metrics) gives exactly what reading the lines as text and parsing each
/// one with <see cref="XlogDbEntry.TryParse"/> gives, on awkward files too.
/// </summary>
public sealed class XlogDbScanTests
{
    /// <summary>The summary the slow way: the reference.</summary>
    private static XlogDbSummary ByLines(string path)
    {
        var entries = File.ReadLines(path, Encoding.UTF8).Where(l => l.Length > 0).Select(XlogDbEntry.TryParse).OfType<XlogDbEntry>().ToList();
        double? newest = null;
        foreach (var e in entries)
        {
            if (newest is null || e.Time > newest)
                newest = e.Time;
        }
        return new XlogDbSummary(entries.Count, entries.Sum(e => e.Size), newest);
    }

    public static TheoryData<string, string> Files() => new()
    {
        { "empty", "" },
        { "usual", "000000010000000000000001\t16777216\t1700000000.5\tNone\n000000010000000000000002\t4096\t1700000001.25\tgzip\n" },
        { "no final newline", "000000010000000000000001\t100\t5.0\tNone\n000000010000000000000002\t200\t7.0\tNone" },
        { "crlf and lone cr", "000000010000000000000001\t100\t5.0\tNone\r\n000000010000000000000002\t200\t9.0\tNone\r000000010000000000000003\t300\t7.0\tNone\r" },
        { "bom", "\uFEFF000000010000000000000001\t100\t5.0\tNone\n" },
        { "malformed lines", "x\n\n   \n000000010000000000000001 x 1.0\na 1 2 3 4 5\n000000010000000000000001\t-3\t1e3\tNone\tNone\nname 7 8\n" },
        { "spaces and other ascii whitespace", "  000000010000000000000001 \v 100\f\t2.5   None  \n\u001f00000001 5 6\u001fNone\n" },
        { "non-ascii whitespace and text", "00000001\u00a05\u00a06\n000000010000000000000001\t100\t3.0\tgzïp\n00000001\u20035\u20039.5\n" },
        { "nan and infinity", "a 1 NaN\nb 2 3.0\nc 3 Infinity\nd 4 -Infinity\n" },
        { "invalid utf-8", "a 1 2.0\xff\n" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Summarizes_like_the_line_parser(string label, string content)
    {
        using var dir = new TempDir();
        var path = dir.Combine("xlog.db");
        // \xff in a C# string is U+00FF: write it as the single invalid byte 0xFF
        var bytes = label == "invalid utf-8" ? Encoding.Latin1.GetBytes(content) : Encoding.UTF8.GetBytes(content);
        await File.WriteAllBytesAsync(path, bytes);
        Assert.Equal(ByLines(path), XlogDbScan.Summarize(path));
    }

    [Theory]
    [InlineData(1, 10_000)]
    [InlineData(70_000, 3)]
    [InlineData(200_000, 1)]
    public async Task Lines_across_block_boundaries_and_longer_than_a_block(int padding, int count)
    {
        using var dir = new TempDir();
        var path = dir.Combine("xlog.db");
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            // every line end form, and lines padded so that they straddle the 64 KiB blocks
            text.Append(i % 100).Append('\t').Append(1000 + i).Append('\t').Append(1_700_000_000.125 + i).Append('\t').Append('n', padding % 97 + (i % 7));
            text.Append((i % 3) switch { 0 => "\n", 1 => "\r\n", _ => "\r" });
        }
        if (padding > 1)
            text.Append("x 1 ").Append('9', padding).Append(".5\r");
        await File.WriteAllTextAsync(path, text.ToString());
        var expected = ByLines(path);
        Assert.Equal(count + (padding > 1 ? 1 : 0), expected.Files);
        Assert.Equal(expected, XlogDbScan.Summarize(path));
    }
}
