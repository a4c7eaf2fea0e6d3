using Barman.Core.Wal;

namespace Barman.Tests.ArchiveWal;

public sealed class WalNameTests
{
    [Theory]
    [InlineData("000000010000000000000001", WalFileKind.Segment)]
    [InlineData("0000000A00000ABC000000ff", WalFileKind.Segment)]
    [InlineData("000000010000000000000010.partial", WalFileKind.Partial)]
    [InlineData("00000002.history", WalFileKind.History)]
    [InlineData("000000010000000000000002.00000028.backup", WalFileKind.BackupLabel)]
    [InlineData("000000010000000000000001.tmp", WalFileKind.Unknown)]
    [InlineData("00000001000000000000001", WalFileKind.Unknown)]
    [InlineData("0000000100000000000000011", WalFileKind.Unknown)]
    [InlineData("00000001000000000000000G", WalFileKind.Unknown)]
    [InlineData("000000010000000000000001.partial.tmp", WalFileKind.Unknown)]
    [InlineData("00000002.history.tmp", WalFileKind.Unknown)]
    [InlineData("README", WalFileKind.Unknown)]
    [InlineData("000000010000000000000002.0000028.backup", WalFileKind.Unknown)]
    public void Classifies_names_like_barman(string name, object kindValue)
    {
        var kind = (WalFileKind)kindValue;
        Assert.Equal(kind, WalFileName.Classify(name));
        Assert.Equal(kind != WalFileKind.Unknown, WalFileName.IsAnyXlogFile(name));
        Assert.Equal(kind == WalFileKind.Segment, WalFileName.IsWalFile(name));
    }

    [Theory]
    [InlineData("000000010000000000000001", "0000000100000000")]
    [InlineData("0000000200000003000000FE.partial", "0000000200000003")]
    [InlineData("000000010000000a00000002.00000028.backup", "000000010000000A")]
    [InlineData("00000002.history", "")]
    public void Hash_directory_is_timeline_and_log(string name, string hash) =>
        Assert.Equal(hash, WalFileName.HashDirectory(name));

    [Fact]
    public void Decodes_segment_names_and_rejects_others()
    {
        Assert.Equal(new SegmentName(1, 0xA, 0xFE), WalFileName.Decode("000000010000000A000000FE.partial"));
        Assert.Null(WalFileName.Decode("00000002.history"));
        Assert.Null(WalFileName.Decode("foo"));
        Assert.Equal(2u, WalFileName.Timeline("00000002.history"));
        Assert.Throws<ArgumentException>(() => WalFileName.HashDirectory("foo"));
    }

    [Theory]
    // lsn, tli, segment size, Barman's name (on a boundary: the NEXT segment; pg_walfile_name() names the previous one)
    [InlineData("0/6000000", 1u, 16L << 20, "000000010000000000000006")]
    [InlineData("0/60000D8", 1u, 16L << 20, "000000010000000000000006")]
    [InlineData("1/0", 2u, 16L << 20, "000000020000000100000000")]
    [InlineData("0/10A242E8", 2u, 16L << 20, "000000020000000000000010")]
    [InlineData("0/300000", 1u, 1L << 20, "000000010000000000000003")]
    [InlineData("1/80000000", 1u, 1L << 30, "000000010000000100000002")]
    [InlineData("0/40000001", 1u, 1L << 30, "000000010000000000000001")]
    [InlineData("5/FFFFFFFF", 1u, 64L << 20, "00000001000000050000003F")]
    public void Maps_lsns_to_segment_names(string lsn, uint tli, long segmentSize, string barmanName) =>
        Assert.Equal(barmanName, WalFileName.FromLsn(ParseLsn(lsn), tli, segmentSize));

    [Theory]
    [InlineData(1L << 20)]
    [InlineData(16L << 20)]
    [InlineData(1L << 30)]
    public void Segment_start_round_trips(long segmentSize)
    {
        var perLog = WalFileName.SegmentsPerLog(segmentSize);
        foreach (var segno in new ulong[] { 0, 1, 255, 256, 4095, 4096, 123456 })
        {
            var name = WalFileName.SegmentFileName(3, segno, perLog);
            var decoded = WalFileName.Decode(name)!.Value;
            Assert.Equal(segno, (decoded.Log * perLog) + decoded.Segment);
            Assert.Equal(name, WalFileName.FromLsn(segno * (ulong)segmentSize, 3, segmentSize));
        }
    }

    private static ulong ParseLsn(string text)
    {
        var parts = text.Split('/');
        return (Convert.ToUInt64(parts[0], 16) << 32) | Convert.ToUInt64(parts[1], 16);
    }
}
