using System.Security.Cryptography;
using Barman.Core.Wal;
using Barman.Core.Wal.Format;

namespace Barman.Tests.Wal.Format;

[Collection(WalTimelineCollection.Name)]
public sealed class FirstPageCheckTests(WalTimelineFixture wal)
{
    private WalExpectations Server => new(Magic: WalMagic.PostgreSql15, SystemIdentifier: wal.SystemIdentifier);

    private byte[] FirstBytes(string name)
    {
        var bytes = new byte[FirstPageCheck.BytesNeeded];
        using var file = File.OpenRead(wal.Path(name));
        file.ReadExactly(bytes);
        return bytes;
    }

    [Fact]
    public void Accepts_every_real_segment_and_partial_of_both_timelines()
    {
        var segments = wal.Files.Where(f => !f.EndsWith(".history", StringComparison.Ordinal)).ToList();

        var refused = segments.Select(f => (f, FirstPageCheck.Validate(FirstBytes(f), f, Server))).Where(v => !v.Item2.IsValid).ToList();

        Assert.True(segments.Count >= 8, string.Join(", ", segments));
        Assert.Empty(refused);
        Assert.Equal(wal.SystemIdentifier, FirstPageCheck.Validate(FirstBytes(segments[0]), segments[0], new WalExpectations()).Header!.Value.SystemIdentifier);
    }

    [Fact]
    public void Accepts_the_first_segment_of_timeline_2_whose_first_page_is_of_timeline_1()
    {
        var first = wal.Timeline2Segments[0];

        var verdict = FirstPageCheck.Validate(FirstBytes(first), first, Server);

        Assert.True(verdict.IsValid, verdict.Reason);
        Assert.Equal(1u, verdict.Header!.Value.Timeline);
    }

    [Fact]
    public void Refuses_a_real_segment_under_the_name_of_another()
    {
        var segment = wal.Timeline1Segments[1];
        var next = Lsn.SegmentFileName(1, Lsn.SegmentNumber(segment, Lsn.DefaultSegmentSize) + 1, Lsn.DefaultSegmentSize);

        var verdict = FirstPageCheck.Validate(FirstBytes(segment), next, Server);

        Assert.Equal($"unexpected page address {Lsn.Format(Lsn.SegmentStart(segment, Lsn.DefaultSegmentSize))}, expected {Lsn.Format(Lsn.SegmentStart(next, Lsn.DefaultSegmentSize))}", verdict.Reason);
    }

    [Fact]
    public void Refuses_a_segment_of_another_database_system()
    {
        var segment = wal.Timeline1Segments[0];

        var verdict = FirstPageCheck.Validate(FirstBytes(segment), segment, Server with { SystemIdentifier = wal.SystemIdentifier + 1 });

        Assert.Equal($"WAL file is from a different database system: system identifier {wal.SystemIdentifier}, expected {wal.SystemIdentifier + 1}", verdict.Reason);
    }

    [Fact]
    public void Refuses_random_bytes_under_a_wal_name()
    {
        var bytes = RandomNumberGenerator.GetBytes(FirstPageCheck.BytesNeeded);
        bytes[0] = 0x00; // never a magic PostgreSQL knows

        var verdict = FirstPageCheck.Validate(bytes, "000000010000000000000003", Server);

        Assert.StartsWith("invalid magic number ", verdict.Reason, StringComparison.Ordinal);
        Assert.EndsWith(", expected D110 (PostgreSQL 15)", verdict.Reason, StringComparison.Ordinal);
        Assert.Equal(": not a PostgreSQL WAL page", FirstPageCheck.Validate(bytes, "000000010000000000000003", new WalExpectations()).Reason![^27..]);
    }

    [Fact]
    public void Refuses_wal_of_another_version_size_or_block_size()
    {
        var segment = wal.Timeline1Segments[0];

        Assert.Equal("invalid magic number D110, expected D113 (PostgreSQL 16)",
            FirstPageCheck.Validate(FirstBytes(segment), segment, Server with { Magic = 0xD113 }).Reason);
        Assert.Equal("WAL file is from a different database system: segment size 16777216 in the page header, expected 33554432",
            FirstPageCheck.Validate(FirstBytes(segment), segment, Server with { SegmentSize = 32 << 20 }).Reason);
        Assert.Equal("WAL file is from a different database system: WAL block size 8192 in the page header, expected 16384",
            FirstPageCheck.Validate(FirstBytes(segment), segment, Server with { BlockSize = 16384 }).Reason);
    }

    [Fact]
    public void Refuses_a_segment_of_timeline_2_under_a_timeline_1_name()
    {
        var segment = wal.Timeline2Segments[^1];

        var verdict = FirstPageCheck.Validate(FirstBytes(segment), "00000001" + segment[8..], Server);

        Assert.Equal("page timeline 2 is later than the file's timeline 1", verdict.Reason);
    }

    [Fact]
    public void Refuses_a_short_file_and_a_name_that_is_not_a_segment()
    {
        var segment = wal.Timeline1Segments[0];

        Assert.Equal("the file is 39 bytes long, too short for a WAL page header", FirstPageCheck.Validate(FirstBytes(segment)[..39], segment, Server).Reason);
        Assert.Equal("'00000002.history' is not the name of a WAL segment", FirstPageCheck.Validate(FirstBytes(segment), "00000002.history", Server).Reason);
    }

    [Fact]
    public void Refuses_a_first_page_without_a_long_header()
    {
        var segment = wal.Timeline1Segments[0];
        var bytes = FirstBytes(segment);
        bytes[2] &= unchecked((byte)~XLog.LongHeader);

        Assert.StartsWith("invalid info bits ", FirstPageCheck.Validate(bytes, segment, Server).Reason, StringComparison.Ordinal);
    }
}
