using Barman.Core.Wal;
using Barman.Core.Wal.Format;

namespace Barman.Tests.Wal.Format;

/// <summary>The engine of verify-wal over real WAL of two timelines: what it proves, and every kind of damage it names.</summary>
[Collection(WalTimelineCollection.Name)]
public sealed class WalArchiveVerifierTests(WalTimelineFixture wal)
{
    private static string Describe(WalVerification result) => string.Join("\n", result.Problems);

    private WalExpectations Server => new(Magic: WalMagic.PostgreSql15, SystemIdentifier: wal.SystemIdentifier);

    /// <summary>A Heap record of <paramref name="name"/> (pg_waldump's listing), to damage: its offset in the file and LSN.</summary>
    private async Task<(long Offset, ulong Lsn)> HeapRecordAsync(string name, double where = 0.5)
    {
        using var copy = new WorkArchive(wal, [name]);
        var segment = name[..24];
        if (segment != name)
            copy.Rename(name, segment);
        var records = await PgWaldump.RecordsAsync(copy.Directory, segment, segment, "Heap");
        var record = records[(int)((records.Count - 1) * where)];
        return ((long)(record.Lsn - Lsn.SegmentStart(segment, Lsn.DefaultSegmentSize)), record.Lsn);
    }

    [Fact]
    public async Task Proves_the_streamed_wal_of_a_promoted_standby()
    {
        using var archive = new WorkArchive(wal);

        var result = await archive.VerifyAsync(Server);

        Assert.True(result.IsProven, Describe(result));
        var history = TimelineHistory.Parse(File.ReadAllText(wal.Path("00000002.history")), 2);
        Assert.Collection(result.Timelines,
            t =>
            {
                Assert.Equal((1u, wal.Timeline1Segments[0], wal.Timeline1Partial, TimelineStatus.Ok), (t.Timeline, t.FirstFile, t.LastFile, t.Status));
                Assert.Equal(history.SwitchPoint, t.EndsAt);
                Assert.Equal(wal.Timeline1Segments.Count + 1, t.FileCount);
            },
            t =>
            {
                Assert.Equal((2u, (uint?)1u, wal.Timeline2Segments[0], wal.Timeline2Partial, TimelineStatus.Ok), (t.Timeline, t.Parent, t.FirstFile, t.LastFile, t.Status));
                Assert.Null(t.EndsAt);
            });
        Assert.Equal(wal.Files.Count - 1, result.FileCount);
    }

    [Fact]
    public async Task Counts_the_records_pg_waldump_reads()
    {
        using var archive = new WorkArchive(wal, wal.Timeline1Segments);
        var (expected, outcome) = await PgWaldump.CountAsync(archive.Directory, wal.Timeline1Segments[0], wal.Timeline1Segments[^1]);

        var result = await archive.VerifyAsync(Server);

        Assert.True(outcome.Passed, outcome.Error);
        Assert.True(result.IsProven, Describe(result));
        Assert.Equal(expected, result.RecordCount);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("zstd")]
    public async Task Proves_a_compressed_archive(string compression)
    {
        // the files where records cross segments (the 20 MB record), switch timelines and end
        using var archive = new WorkArchive(wal);
        foreach (var name in wal.Timeline1Segments.Skip(2).Append(wal.Timeline1Partial).Append(wal.Timeline2Segments[0]).Append(wal.Timeline2Partial))
            archive.Compress(name, compression);

        var result = await archive.VerifyAsync(Server);

        Assert.True(result.IsProven, Describe(result));
        Assert.Equal(wal.Files.Count - 1, result.FileCount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    public async Task Names_the_segment_and_the_record_of_a_flipped_byte(string? compression)
    {
        var segment = wal.Timeline2Segments[1];
        var record = await HeapRecordAsync(segment);
        using var archive = new WorkArchive(wal);
        archive.Flip(segment, record.Offset + 40, 0x10);
        if (compression is not null)
            archive.Compress(segment, compression);

        var result = await archive.VerifyAsync(Server);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((segment, (ulong?)record.Lsn, WalProblemKind.Record), (problem.File, problem.Lsn, problem.Kind));
        Assert.Equal($"incorrect resource manager data checksum in record at {Lsn.Format(record.Lsn)}", problem.Message);
        Assert.Equal([TimelineStatus.Ok, TimelineStatus.Failed], result.Timelines.Select(t => t.Status));
    }

    [Fact]
    public async Task Names_a_flipped_byte_in_a_record_that_spans_three_segments()
    {
        // the 20 MB logical message: a segment of timeline 1 is nothing but a part of it
        var segments = wal.Timeline1Segments.ToList();
        var middle = segments.Single(name => wal.FirstPageHeader(name) is { FirstIsContinuation: true } header && header.RemainingLength > 16 << 20);
        var (before, after) = (segments[segments.IndexOf(middle) - 1], segments[segments.IndexOf(middle) + 1]);
        using var archive = new WorkArchive(wal);
        archive.Flip(middle, 5_000_000);

        var result = await archive.VerifyAsync(Server);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(before, problem.File);
        Assert.Equal(before, WalTimelineFixture.SegmentOf(problem.Lsn!.Value, 1));
        Assert.Equal($"incorrect resource manager data checksum in record at {Lsn.Format(problem.Lsn.Value)} (the record goes on to {after})", problem.Message);
    }

    [Fact]
    public async Task Names_a_missing_segment()
    {
        var missing = wal.Timeline1Segments[2];
        using var archive = new WorkArchive(wal);
        archive.Remove(missing);

        var result = await archive.VerifyAsync(Server);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((missing, WalProblemKind.Missing), (problem.File, problem.Kind));
        Assert.Equal($"segment missing (between {wal.Timeline1Segments[1]} and {wal.Timeline1Segments[3]})", problem.Message);
    }

    [Fact]
    public async Task Names_a_segment_of_another_database_system()
    {
        var segment = wal.Timeline1Segments[2];
        using var archive = new WorkArchive(wal);
        archive.Write(segment, 24, BitConverter.GetBytes(wal.SystemIdentifier + 1));

        var known = await archive.VerifyAsync(Server);
        var learned = await archive.VerifyAsync(new WalExpectations());

        var problem = Assert.Single(known.Problems);
        Assert.Equal((segment, (ulong?)Lsn.SegmentStart(segment, Lsn.DefaultSegmentSize), WalProblemKind.Page), (problem.File, problem.Lsn, problem.Kind));
        Assert.Equal($"WAL file is from a different database system: system identifier {wal.SystemIdentifier + 1}, expected {wal.SystemIdentifier}", problem.Message);
        var fromFirst = Assert.Single(learned.Problems);
        Assert.Equal((segment, WalProblemKind.Identity, problem.Message), (fromFirst.File, fromFirst.Kind, fromFirst.Message));
    }

    [Fact]
    public async Task Names_a_segment_under_the_wrong_name()
    {
        var (previous, segment) = (wal.Timeline1Segments[1], wal.Timeline1Segments[2]);
        using var archive = new WorkArchive(wal);
        archive.Remove(segment);
        File.Copy(archive.PathOf(previous), archive.PathOf(segment));

        var result = await archive.VerifyAsync(Server);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((segment, WalProblemKind.Page), (problem.File, problem.Kind));
        Assert.Equal($"unexpected page address {Lsn.Format(Lsn.SegmentStart(previous, Lsn.DefaultSegmentSize))}, expected {Lsn.Format(Lsn.SegmentStart(segment, Lsn.DefaultSegmentSize))}", problem.Message);
    }

    [Fact]
    public async Task Names_a_missing_history_file()
    {
        using var archive = new WorkArchive(wal);
        archive.Remove("00000002.history");

        var result = await archive.VerifyAsync(Server);

        var problem = Assert.Single(result.Problems, p => p.Kind == WalProblemKind.Missing);
        Assert.Equal(("00000002.history", "timeline 2 has WAL but no history file"), (problem.File, problem.Message));
        Assert.Equal(TimelineStatus.Failed, result.Timelines.Single(t => t.Timeline == 2).Status);
    }

    [Fact]
    public async Task Names_a_malformed_history_file()
    {
        using var archive = new WorkArchive(wal);
        File.WriteAllText(archive.PathOf("00000002.history"), "1\tnot-an-lsn\treason\n");

        var result = await archive.VerifyAsync(Server);

        var problem = Assert.Single(result.Problems, p => p.Kind == WalProblemKind.History);
        Assert.Equal("00000002.history", problem.File);
        Assert.Contains("expected a write-ahead log switchpoint location", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_a_history_that_does_not_extend_its_parents()
    {
        var history = File.ReadAllText(wal.Path("00000002.history"));
        using var archive = new WorkArchive(wal);
        File.WriteAllText(archive.PathOf("00000003.history"), "1\t0/3000000\tsomething else\n2\t0/9000000\tno recovery target specified\n");

        var result = await archive.VerifyAsync(Server);

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("00000003.history", WalProblemKind.History), (problem.File, problem.Kind));
        Assert.Equal("the history of timeline 3 does not begin with the history of its parent, timeline 2", problem.Message);
        Assert.StartsWith("1\t", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_timeline_without_wal_still_needs_its_parents_wal_up_to_the_switch()
    {
        var history = File.ReadAllText(wal.Path("00000002.history"));
        using var archive = new WorkArchive(wal);
        File.WriteAllText(archive.PathOf("00000003.history"), history + "2\t0/B000010\tno recovery target specified\n");

        var result = await archive.VerifyAsync(Server);

        Assert.Equal(2, result.ProblemCount);
        var ended = Assert.Single(result.Problems, p => p.File == wal.Timeline2Partial);
        Assert.EndsWith("(timeline 2 must go on to 0/B000010, where a child timeline branches off)", ended.Message, StringComparison.Ordinal);
        var missing = Assert.Single(result.Problems, p => p.Kind == WalProblemKind.Missing);
        Assert.Equal("00000002000000000000000A", missing.File);
        Assert.StartsWith("segment missing (timeline 3 branches off timeline 2 at 0/B000010)", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zero_tail_ends_the_last_partial_but_a_broken_record_with_wal_after_it_does_not()
    {
        var partial = wal.Timeline2Partial;
        var record = await HeapRecordAsync(partial, where: 0.1);
        using var archive = new WorkArchive(wal);
        archive.Flip(partial, Lsn.DefaultSegmentSize - 100); // past the end of the WAL: not WAL at all
        Assert.True((await archive.VerifyAsync(Server)).IsProven);

        archive.Flip(partial, record.Offset + 40, 0x01);
        var result = await archive.VerifyAsync(Server);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((partial, (ulong?)record.Lsn, WalProblemKind.Record), (problem.File, problem.Lsn, problem.Kind));
        Assert.Equal($"incorrect resource manager data checksum in record at {Lsn.Format(record.Lsn)} (there is WAL after it)", problem.Message);
    }

    [Fact]
    public async Task The_old_timeline_may_end_after_the_switch_point_but_not_before()
    {
        var partial = wal.Timeline1Partial;
        var history = TimelineHistory.Parse(File.ReadAllText(wal.Path("00000002.history")), 2);
        var start = Lsn.SegmentStart(partial[..24], Lsn.DefaultSegmentSize);
        var record = await HeapRecordAsync(partial);
        using var archive = new WorkArchive(wal);
        archive.Flip(partial, (long)(history.SwitchPoint - start) + 1000); // after the switch point: nobody's WAL
        Assert.True((await archive.VerifyAsync(Server)).IsProven);

        archive.Flip(partial, record.Offset + 40, 0x01);
        var result = await archive.VerifyAsync(Server);

        var problem = Assert.Single(result.Problems);
        Assert.Equal((partial, (ulong?)record.Lsn), (problem.File, problem.Lsn));
        Assert.EndsWith($"(timeline 1 must go on to {Lsn.Format(history.SwitchPoint)}, where a child timeline branches off)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_a_short_segment()
    {
        var segment = wal.Timeline1Segments[2];
        using var archive = new WorkArchive(wal);
        archive.Truncate(segment, 8 << 20);

        var result = await archive.VerifyAsync(Server);

        Assert.Contains(result.Problems, p => p.File == segment && p.Kind == WalProblemKind.File && p.Message == "the file ends after 8388608 bytes, a segment is 16777216 bytes");
    }

    [Fact]
    public async Task Names_a_file_that_cannot_be_decompressed()
    {
        var segment = wal.Timeline1Segments[2];
        using var archive = new WorkArchive(wal);
        archive.Compress(segment, "gzip");
        archive.Truncate(segment, 4096);

        var result = await archive.VerifyAsync(Server);

        Assert.Contains(result.Problems, p => p.File == segment && p.Kind == WalProblemKind.File && p.Message.StartsWith("the file ends after", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_worker_and_two_find_the_same()
    {
        var first = await HeapRecordAsync(wal.Timeline1Segments.Skip(1).First(name => wal.FirstPageHeader(name) is { FirstIsContinuation: false }));
        var second = await HeapRecordAsync(wal.Timeline2Segments[1]);
        using var archive = new WorkArchive(wal);
        archive.Flip(wal.Timeline1Segments.Skip(1).First(name => wal.FirstPageHeader(name) is { FirstIsContinuation: false }), first.Offset + 30);
        archive.Flip(wal.Timeline2Segments[1], second.Offset + 30);

        var one = await archive.VerifyAsync(Server, parallelism: 1);
        var two = await archive.VerifyAsync(Server, parallelism: 2);

        Assert.Equal(2, one.ProblemCount);
        Assert.Equal(one.Problems.Select(p => p.ToString()), two.Problems.Select(p => p.ToString()));
        Assert.Equal(one.Timelines, two.Timelines);
    }
}
