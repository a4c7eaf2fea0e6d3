using Barman.Core.Wal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.ArchiveWal;

public sealed class XlogDbTests
{
    [Fact]
    public void Line_format_matches_barman()
    {
        Assert.Equal("00000001000000000000000D\t16777216\t1795498391.0247047\tNone\n",
            new XlogDbEntry("00000001000000000000000D", 16777216, 1795498391.0247047, null).ToLine());
        Assert.Equal("000000030000000000000001\t16303\t1700000000.0\tgzip\n",
            new XlogDbEntry("000000030000000000000001", 16303, 1700000000.0, "gzip").ToLine());
    }

    [Theory]
    [InlineData("000000010000000000000001 16777216 1795498131.8806977", null)]
    [InlineData("000000010000000000000001\t16777216\t1795498131.8806977\tNone", null)]
    [InlineData("000000010000000000000001\t16777216\t1795498131.8806977\tgzip", "gzip")]
    [InlineData("000000010000000000000001\t16777216\t1795498131.8806977\tzstd\tNone", "zstd")]
    public void Reads_three_four_and_five_columns(string line, string? compression)
    {
        var entry = XlogDbEntry.TryParse(line)!;
        Assert.Equal("000000010000000000000001", entry.Name);
        Assert.Equal(16777216, entry.Size);
        Assert.Equal(1795498131.8806977, entry.Time);
        Assert.Equal(compression, entry.Compression);
    }

    [Theory]
    [InlineData("000000010000000000000001")]
    [InlineData("000000010000000000000001 x 1.0")]
    [InlineData("a 1 2 3 4 5")]
    public void Rejects_malformed_lines(string line) => Assert.Null(XlogDbEntry.TryParse(line));

    [Fact]
    public async Task Reads_entries_and_total_size_honouring_xlogdb_directory()
    {
        using var dir = new TempDir();
        var global = TestConfig.Global(dir.Path);
        var server = TestConfig.Server("pg", global) with { XlogdbDirectory = dir.Combine("xdb") };
        Assert.Equal(dir.Combine("xdb", "pg-xlog.db"), server.XlogdbFile);
        Assert.Empty(await XlogDb.ReadEntriesAsync(server, Bounded.Token()));
        dir.Write("xdb/pg-xlog.db", "000000010000000000000001\t100\t1.0\tNone\ngarbage\n00000002.history\t41\t2.5\n000000010000000000000002\t23\t3.0\tgzip\tNone\n");
        var entries = await XlogDb.ReadEntriesAsync(server, Bounded.Token());
        Assert.Equal(["000000010000000000000001", "00000002.history", "000000010000000000000002"], entries.Select(e => e.Name));
        Assert.Equal(164, await XlogDb.TotalSizeAsync(server, Bounded.Token()));
        Assert.True(File.Exists(dir.Combine(".pg-xlogdb.lock")));
    }

    [Fact]
    public async Task Append_terminates_a_torn_last_line_and_fsyncs()
    {
        using var dir = new TempDir();
        var global = TestConfig.Global(dir.Path);
        var server = TestConfig.Server("pg", global);
        dir.Write("pg/wals/xlog.db", "000000010000000000000001\t100\t1.0\tNone\n0000000100");
        using (var db = await XlogDb.LockAsync(server, Bounded.Token()))
            db.Append([new XlogDbEntry("000000010000000000000002", 5, 2.0, null)]);
        Assert.Equal("000000010000000000000001\t100\t1.0\tNone\n0000000100\n000000010000000000000002\t5\t2.0\tNone\n", File.ReadAllText(server.XlogdbFile));
    }
}
