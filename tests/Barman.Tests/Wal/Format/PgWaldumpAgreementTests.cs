using Barman.Core.Wal;
using Barman.Core.Wal.Format;
using Xunit.Abstractions;

namespace Barman.Tests.Wal.Format;

/// <summary>
/// Differential tests against pg_waldump (PostgreSQL 15), the reference reader: on the same real segments, the
/// engine finds its first problem exactly where pg_waldump fails, and nothing where pg_waldump passes, for
/// hundreds of single-byte flips. The deliberate differences are asserted as such: the engine also checks the
/// system identifier of every segment (pg_waldump never does) and that a page's timeline is not later than its
/// file's (pg_waldump only notices when the next page's timeline goes back).
/// </summary>
[Collection(WalTimelineCollection.Name)]
public sealed class PgWaldumpAgreementTests(WalTimelineFixture wal, ITestOutputHelper output)
{
    private const int RandomFlips = 200;

    /// <summary>What a flip hit, for the deliberate differences.</summary>
    private enum Hit
    {
        Record,
        PageTimeline,
        SystemIdentifier,
    }

    private sealed record Flip(string File, long Offset, byte Mask, Hit Hit);

    [Fact]
    public async Task Both_pass_the_real_segments_and_stop_at_the_same_end_of_the_wal()
    {
        foreach (var files in Windows(wal, await ScansAsync()).Values.Distinct())
        {
            using var window = new FlipWindow(wal, files);
            var pg = await window.PgWaldumpAsync();
            var engine = await window.EngineAsync();

            Assert.True(pg.Passed == engine is null, $"{string.Join(",", window.Names)}: pg_waldump {pg.Error}; engine {engine}");
            Assert.Equal(pg.Lsn, engine?.Lsn);
            if (engine is not null)
                Assert.Equal(pg.Check, PgWaldump.CheckOf(engine.Message));
        }
    }

    [Fact]
    public async Task Agree_on_random_flips_inside_the_wal()
    {
        var random = new Random(20261130);
        var scans = await ScansAsync();
        var candidates = scans.Keys.Where(f => f != wal.Timeline1Segments[0]).Order(StringComparer.Ordinal).ToList();
        var flips = new List<Flip>();
        for (var i = 0; i < RandomFlips; i++)
        {
            var file = candidates[random.Next(candidates.Count)];
            var offset = random.NextInt64(UsedLength(scans[file]));
            flips.Add(new Flip(file, offset, (byte)random.Next(1, 256), HitOf(scans[file].File, offset)));
        }

        var disagreements = await CompareAsync(flips);

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    [Fact]
    public async Task Agree_on_every_byte_of_page_headers()
    {
        var random = new Random(7);
        var segment = wal.Timeline1Segments[2];
        var middle = 8192L * 1000;
        var flips = Enumerable.Range(0, XLog.LongPageHeaderSize)
            .Select(i => new Flip(segment, i, (byte)random.Next(1, 256), HitOf(File(segment), i)))
            .Concat(Enumerable.Range(0, XLog.ShortPageHeaderSize).Select(i => new Flip(segment, middle + i, (byte)random.Next(1, 256), HitOf(File(segment), middle + i))))
            .Concat(Enumerable.Range(0, 8).Select(bit => new Flip(segment, middle + 2, (byte)(1 << bit), Hit.Record)))
            .ToList();

        var disagreements = await CompareAsync(flips);

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    [Fact]
    public async Task Neither_reads_the_padding_after_an_xlog_switch_nor_past_the_end_of_the_wal()
    {
        var scans = await ScansAsync();
        var switched = scans.Values.First(s => s.EndedBySwitch && s.File.Name != wal.Timeline1Segments[0]);
        var ended = scans[wal.Timeline2Partial];
        var afterSwitch = (long)(switched.EndLsn - switched.File.Start);
        var afterEnd = (long)(ended.Stop!.Lsn - ended.File.Start);
        var flips = new[] { 8, 100, 8192, 8200, 1 << 20, (16 << 20) - 1 }
            .Where(d => afterSwitch + d < 16 << 20)
            .Select(d => new Flip(switched.File.Name, afterSwitch + d, 0x5A, Hit.Record))
            .Concat(new[] { 8200, 65536, (long)(8 << 20) }.Where(d => afterEnd + d < 16 << 20).Select(d => new Flip(ended.File.Name, afterEnd + d, 0x5A, Hit.Record)))
            .ToList();

        var disagreements = await CompareAsync(flips);

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.True(flips.Count >= 6);
    }

    /// <summary>Runs both readers on each flip (two windows at a time); returns the disagreements.</summary>
    private async Task<List<string>> CompareAsync(IReadOnlyList<Flip> flips)
    {
        var windows = Windows(wal, await ScansAsync());
        var disagreements = new List<string>();
        var counts = new Dictionary<string, int>();
        var byWindow = flips.GroupBy(f => windows[f.File]).ToList();
        using var gate = new SemaphoreSlim(2);
        await Task.WhenAll(byWindow.Select(async group =>
        {
            await gate.WaitAsync();
            try
            {
                using var window = new FlipWindow(wal, group.Key);
                foreach (var flip in group)
                {
                    var name = window.Names[group.Key.ToList().FindIndex(f => f.Source == flip.File)];
                    window.Flip(name, flip.Offset, flip.Mask);
                    var pg = await window.PgWaldumpAsync();
                    var engine = await window.EngineAsync();
                    window.Flip(name, flip.Offset, flip.Mask);
                    var (verdict, agreed) = Judge(flip, pg, engine);
                    lock (counts)
                    {
                        counts[verdict] = counts.GetValueOrDefault(verdict) + 1;
                        if (!agreed)
                            disagreements.Add($"{flip}: pg_waldump {(pg.Passed ? "passed" : pg.Error)}; engine {engine?.ToString() ?? "passed"}");
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        output.WriteLine(string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")));
        return disagreements;
    }

    private static (string Verdict, bool Agreed) Judge(Flip flip, PgWaldump.Outcome pg, WalProblem? engine)
    {
        if (pg.Passed && engine is null)
            return ("both pass", true);
        if (!pg.Passed && engine is not null && pg.Check == PgWaldump.CheckOf(engine.Message) && (pg.Lsn is null || pg.Lsn == engine.Lsn))
            return (pg.Lsn is null ? "both fail the same check (pg_waldump names no LSN)" : "both fail the same check at the same LSN", true);
        return flip.Hit switch
        {
            // deliberate: pg_waldump never checks a system identifier
            Hit.SystemIdentifier => ("system identifier: only the engine fails", pg.Passed && engine?.Kind == WalProblemKind.Identity),
            // deliberate: the engine names the page; pg_waldump the next page it reads, if any
            Hit.PageTimeline => ("page timeline: the engine fails first", engine?.Kind == WalProblemKind.Page && (pg.Passed || pg.Lsn > engine.Lsn)),
            _ => ("disagree", false),
        };
    }

    private WalSegmentFile File(string name) => WalSegmentFile.FromName(name, Lsn.DefaultSegmentSize)!;

    /// <summary>The system identifier of a long header, or the timeline of any page header.</summary>
    private static Hit HitOf(WalSegmentFile file, long offset) =>
        offset is >= 24 and < 32 ? Hit.SystemIdentifier
        : offset % XLog.DefaultBlockSize is >= 4 and < 8 ? Hit.PageTimeline
        : Hit.Record;

    /// <summary>Where the WAL of a file ends (its XLOG_SWITCH, or the end of the WAL in a .partial).</summary>
    private static long UsedLength(SegmentScan scan) =>
        scan.EndedBySwitch ? (long)(scan.EndLsn - scan.File.Start)
        : scan.Stop is { } stop ? (long)(stop.Lsn - scan.File.Start)
        : scan.File.SegmentSize;

    private async Task<Dictionary<string, SegmentScan>> ScansAsync()
    {
        var scans = new Dictionary<string, SegmentScan>();
        foreach (var name in wal.Files.Where(f => f.Length > 24 ? f.EndsWith(".partial", StringComparison.Ordinal) : f.Length == 24))
        {
            await using var stream = System.IO.File.OpenRead(wal.Path(name));
            scans[name] = await SegmentReader.ScanAsync(stream, File(name), new WalExpectations(), new byte[1 << 20], default);
        }
        return scans;
    }

    /// <summary>
    /// For each captured file, the window pg_waldump and the engine read when a byte of it is flipped: from the
    /// file where the record continued into it begins (else the file before it) to the file where its last record
    /// ends. Timeline 1 is read up to its .partial; timeline 2 from timeline 1's last complete segment (under a
    /// timeline 2 name) to its .partial.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<(string Source, string Name)>> Windows(WalTimelineFixture wal, Dictionary<string, SegmentScan> scans)
    {
        static string Plain(string name) => name[..24];
        var timeline1 = wal.Timeline1Segments.Append(wal.Timeline1Partial).Select(n => (Source: n, Name: Plain(n))).ToList();
        var timeline2 = new[] { (Source: wal.Timeline1Segments[^1], Name: "00000002" + wal.Timeline1Segments[^1][8..]) }
            .Concat(wal.Timeline2Segments.Append(wal.Timeline2Partial).Select(n => (Source: n, Name: Plain(n)))).ToList();
        var windows = new Dictionary<string, IReadOnlyList<(string, string)>>();
        foreach (var chain in new[] { timeline1, timeline2 })
        {
            for (var i = 1; i < chain.Count; i++)
            {
                var first = i - 1;
                while (first > 0 && scans[chain[first].Source].Head?.End == HeadEnd.ContinuesBeyond)
                    first--;
                var last = i;
                while (last + 1 < chain.Count && scans[chain[last + 1].Source].Head is not null)
                    last++;
                windows.TryAdd(chain[i].Source, chain[first..(last + 1)]);
            }
        }
        return windows;
    }
}
