using Barman.Core.Wal;
using Barman.Core.Wal.Format;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Wal.Format;

/// <summary>
/// Records where real WAL rarely puts them (a header across a page or a segment boundary, an XLOG_SWITCH across
/// segments, a record over three segments, a record abandoned at a crash), written by <see cref="SyntheticWal"/>:
/// the engine and pg_waldump pass them, and fail at the same LSN for a flip of any byte of such a record.
/// </summary>
public sealed class SyntheticWalTests : IDisposable
{
    private const long SegmentSize = 1 << 20;
    private const ulong Segment2 = 2 * SegmentSize;
    private readonly TempDir _dir = new("barman-synthwal");

    public void Dispose() => _dir.Dispose();

    private async Task<(PgWaldump.Outcome Pg, WalProblem? Engine)> BothAsync(IReadOnlyList<string> names)
    {
        var pg = await PgWaldump.VerifyAsync(_dir.Path, names[0], names[^1], SegmentSize);
        var expect = new WalExpectations(SegmentSize);
        var problems = new List<WalProblem>();
        var chain = new SegmentChain(new SegmentScanner(LocalWalDirectory.Open(_dir.Path), expect, parallelism: 2));
        await chain.VerifyAsync(names.Select(n => WalSegmentFile.FromName(n, SegmentSize)!), ChainBoundary.Start(expect), step => problems.AddRange(step.Problems), default);
        return (pg, problems.OrderBy(p => p.Lsn).FirstOrDefault());
    }

    private async Task AssertBothPassAsync(IReadOnlyList<string> names)
    {
        var (pg, engine) = await BothAsync(names);
        Assert.True(pg.Passed, pg.Error);
        Assert.Null(engine);
    }

    /// <summary>
    /// Flips bytes of [<paramref name="from"/>, <paramref name="to"/>) in turn: every byte of the record's header and
    /// of the first bytes after a page header, one in 7 elsewhere; page headers excepted (real WAL's tests cover
    /// them). Both fail the same check at the same LSN.
    /// </summary>
    private async Task AssertAgreeOnFlipsAsync(IReadOnlyList<string> names, ulong from, ulong to)
    {
        var failures = new List<string>();
        for (var lsn = from; lsn < to; lsn++)
        {
            var header = lsn % SegmentSize < 8192 ? 40UL : 24UL;
            if (lsn % 8192 < header || lsn - from >= 24 && lsn % 8192 >= header + 24 && (lsn - from) % 7 != 0)
                continue;
            var path = _dir.Combine(Lsn.SegmentFileNameContaining(lsn, 1, SegmentSize));
            var offset = (long)(lsn % SegmentSize);
            Flip(path, offset);
            var (pg, engine) = await BothAsync(names);
            Flip(path, offset);
            if (pg.Passed || engine is null || pg.Lsn is { } at && at != engine.Lsn || pg.Check != PgWaldump.CheckOf(engine.Message))
                failures.Add($"{Lsn.Format(lsn)}: pg_waldump {(pg.Passed ? "passed" : pg.Error)}; engine {engine?.ToString() ?? "passed"}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static void Flip(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x41));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public async Task A_record_header_across_a_page_boundary(int before)
    {
        var wal = new SyntheticWal(segmentSize: SegmentSize);
        var page = SegmentSize + 5 * 8192UL;
        wal.FillUntil(page, before);
        var record = wal.Append(120);
        wal.Append(64);
        wal.Switch();
        var names = wal.WriteTo(_dir.Path);

        await AssertBothPassAsync(names);
        await AssertAgreeOnFlipsAsync(names, record, record + 120 + 24);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(24)]
    public async Task A_record_header_across_a_segment_boundary(int before)
    {
        var wal = new SyntheticWal(segmentSize: SegmentSize);
        wal.FillUntil(Segment2, before);
        var record = wal.Append(200);
        wal.Append(64);
        wal.Switch();
        var names = wal.WriteTo(_dir.Path);

        await AssertBothPassAsync(names);
        await AssertAgreeOnFlipsAsync(names, record, record + 200 + XLog.LongPageHeaderSize);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public async Task An_xlog_switch_across_a_segment_boundary_makes_the_next_segment_padding(int before)
    {
        var wal = new SyntheticWal(segmentSize: SegmentSize);
        wal.FillUntil(Segment2, before);
        var switched = wal.Switch();
        var after = wal.Append(100);
        wal.Switch();
        var names = wal.WriteTo(_dir.Path);

        Assert.Equal(3 * (ulong)SegmentSize + XLog.LongPageHeaderSize, after);
        Assert.Equal(3, names.Count);
        await AssertBothPassAsync(names);
        await AssertAgreeOnFlipsAsync(names, switched, switched + 24 + XLog.LongPageHeaderSize);
    }

    [Fact]
    public async Task A_record_over_three_segments()
    {
        var wal = new SyntheticWal(segmentSize: SegmentSize);
        wal.Append(100);
        var record = wal.Append((int)(SegmentSize * 5 / 2));
        wal.Append(100);
        wal.Switch();
        var names = wal.WriteTo(_dir.Path);

        await AssertBothPassAsync(names);
        foreach (var lsn in new[] { record + 30, Segment2 + 16, Segment2 + 100_000, 3 * (ulong)SegmentSize + 5, 3 * (ulong)SegmentSize + 70_000 })
            await AssertAgreeOnFlipsAsync(names, lsn, lsn + 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_record_abandoned_at_a_crash_is_skipped(bool atSegmentBoundary)
    {
        var wal = new SyntheticWal(segmentSize: SegmentSize);
        wal.FillUntil(atSegmentBoundary ? Segment2 : SegmentSize + 3 * 8192UL, 104);
        wal.Abandon(500);
        var resumed = wal.Append(100);
        wal.Append(64);
        wal.Switch();
        var names = wal.WriteTo(_dir.Path);

        Assert.Equal(0UL, resumed % 8192 - (atSegmentBoundary ? 40UL : 24UL));
        await AssertBothPassAsync(names);
        await AssertAgreeOnFlipsAsync(names, resumed, resumed + 100);
    }
}
