using System.Text.Json;
using Barman.Core.Compression;
using Barman.Core.Wal;
using Barman.Core.Wal.Verify;
using Barman.Tests.ArchiveWal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Wal.Format;

/// <summary>
/// <c>barman verify-wal</c> end to end: real WAL of a promoted standby archived by archive-wal (plain and
/// compressed), then proven, damaged, and proven again through the verb; check's <c>wal verification</c> item.
/// </summary>
[Collection(WalTimelineCollection.Name)]
public sealed class VerifyWalCliTests(WalTimelineFixture wal)
{
    /// <summary>A barman home whose server pg archived every file of the fixture through archive-wal.</summary>
    private async Task<(ArchiveHarness H, string Config)> ArchivedAsync(string? compression = null)
    {
        var h = new ArchiveHarness();
        var config = h.WriteConfig("archiver = on" + (compression is null ? "" : $"\ncompression = {compression}"));
        wal.CopyTo(h.Incoming, wal.Files);
        var r = await CliRunner.RunAsync("-c", config, "archive-wal", "pg");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(wal.Files.Count, h.XlogdbNames().Length);
        return (h, config);
    }

    /// <summary>Rewrites an archived file through <paramref name="change"/> of its original bytes, keeping its compression.</summary>
    private static void Damage(ArchiveHarness h, string name, Action<byte[]> change)
    {
        var path = h.ArchivePath(name);
        var format = Compressors.Identify(path);
        var bytes = h.ArchivedContent(name);
        change(bytes);
        using var file = File.Create(path);
        if (format is null)
        {
            file.Write(bytes);
            return;
        }
        using var compressed = Compressors.For(format.Value).Compress(file);
        compressed.Write(bytes);
    }

    /// <summary>The offset in its segment and the LSN of a Heap record in the middle of <paramref name="segment"/>.</summary>
    private async Task<(long Offset, ulong Lsn)> HeapRecordAsync(string segment)
    {
        using var copy = new WorkArchive(wal, [segment]);
        var records = await PgWaldump.RecordsAsync(copy.Directory, segment, segment, "Heap");
        var record = records[records.Count / 2];
        return ((long)(record.Lsn - Lsn.SegmentStart(segment, Lsn.DefaultSegmentSize)), record.Lsn);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    [InlineData("zstd")]
    public async Task Proves_the_archive_of_a_promoted_standby_and_check_shows_it(string? compression)
    {
        var (h, config) = await ArchivedAsync(compression);
        using var _ = h;
        var before = await CliRunner.RunAsync("-c", config, "check", "pg");
        Assert.DoesNotContain("wal verification", before.Out, StringComparison.Ordinal);

        var r = await CliRunner.RunAsync("-c", config, "verify-wal", "pg");

        Assert.True(r.ExitCode == 0, r.ToString());
        var t1 = wal.Timeline1Segments;
        Assert.Matches($"^Timeline 1: {t1[0]} to {wal.Timeline1Partial}, {t1.Count + 1} files, \\d+ records, WAL [0-9A-F/]+ to [0-9A-F/]+: OK\n", r.Out);
        Assert.Contains($"\nTimeline 2 (from timeline 1): {wal.Timeline2Segments[0]} to {wal.Timeline2Partial}, {wal.Timeline2Segments.Count + 1} files, ", r.Out, StringComparison.Ordinal);
        Assert.EndsWith(": every byte proven\n", r.Out, StringComparison.Ordinal);
        Assert.Equal("", r.Err);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(VerifyWalState.PathFor(h.Server)));
        var check = await CliRunner.RunAsync("-c", config, "check", "pg");
        Assert.Contains($"\twal verification: OK (last run ", check.Out, StringComparison.Ordinal);
        Assert.Contains($": {wal.Files.Count - 1} files proven)\n", check.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gzip")]
    public async Task Names_a_flipped_byte_inside_a_record_and_check_fails(string? compression)
    {
        var (h, config) = await ArchivedAsync(compression);
        using var _ = h;
        var segment = wal.Timeline1Segments[2];
        var record = await HeapRecordAsync(segment);
        Damage(h, segment, bytes => bytes[record.Offset + 40] ^= 0x10);

        var r = await CliRunner.RunAsync("-c", config, "verify-wal", "pg");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"\n\t{segment} at {Lsn.Format(record.Lsn)}: incorrect resource manager data checksum in record at {Lsn.Format(record.Lsn)}\n", r.Out, StringComparison.Ordinal);
        Assert.Matches("(^|\n)Timeline 1: .*: FAILED\n", r.Out);
        Assert.EndsWith(": 1 problem\n", r.Out, StringComparison.Ordinal);
        Assert.Equal("ERROR: verify-wal: the WAL archive of server pg is not proven (1 problems)\n", r.Err);
        var check = await CliRunner.RunAsync("-c", config, "check", "pg");
        Assert.Contains($"\twal verification: FAILED (last run ", check.Out, StringComparison.Ordinal);
        Assert.Contains($": 1 problems, first: {segment} at {Lsn.Format(record.Lsn)}: incorrect resource manager data checksum", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compares_xlogdb_with_the_archive_both_ways()
    {
        var (h, config) = await ArchivedAsync();
        using var _ = h;
        var lost = wal.Timeline1Segments[1];
        File.Delete(h.ArchivePath(lost));
        var unlisted = wal.Timeline1Segments[3];
        File.WriteAllLines(h.Server.XlogdbFile, h.XlogdbLines().Where(l => !l.StartsWith(unlisted, StringComparison.Ordinal)));

        var r = await CliRunner.RunAsync("-c", config, "verify-wal", "pg");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"\n\t{lost} at ", r.Out, StringComparison.Ordinal);
        Assert.Contains(": segment missing (between ", r.Out, StringComparison.Ordinal);
        Assert.Contains($"\n\t{lost}: listed in xlog.db but not in the archive\n", r.Out, StringComparison.Ordinal);
        Assert.Contains($"\n\t{unlisted}: in the archive but not listed in xlog.db (barman rebuild-xlogdb lists it)\n", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_another_system_a_segment_under_the_wrong_name_and_a_missing_history_file()
    {
        var (h, config) = await ArchivedAsync();
        using var _ = h;
        var (moved, over) = (wal.Timeline1Segments[1], wal.Timeline1Segments[2]);
        var content = h.ArchivedContent(moved);
        Damage(h, over, bytes => content.CopyTo(bytes, 0));
        File.Delete(h.ArchivePath("00000002.history"));
        File.WriteAllLines(h.Server.XlogdbFile, h.XlogdbLines().Where(l => !l.StartsWith("00000002.history", StringComparison.Ordinal)));

        var r = await CliRunner.RunAsync("-c", config, "verify-wal", "pg");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"\n\t{over} at {Lsn.Format(Lsn.SegmentStart(over, Lsn.DefaultSegmentSize))}: unexpected page address", r.Out, StringComparison.Ordinal);
        Assert.Contains("\n\t00000002.history: timeline 2 has WAL but no history file\n", r.Out, StringComparison.Ordinal);

        await File.WriteAllTextAsync(ServerIdentity.PathFor(h.Server), "{\n    \"systemid\": \"1234\",\n    \"version\": \"15\"\n}\n");
        r = await CliRunner.RunAsync("-c", config, "verify-wal", "pg");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"\n\t{wal.Timeline1Segments[0]} at ", r.Out, StringComparison.Ordinal);
        Assert.Contains($"WAL file is from a different database system: system identifier {wal.SystemIdentifier}, expected 1234", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_gives_the_timelines_and_the_problems()
    {
        var (h, config) = await ArchivedAsync();
        using var _ = h;
        var r = await CliRunner.RunAsync("-c", config, "-f", "json", "verify-wal", "pg");
        Assert.True(r.ExitCode == 0, r.ToString());
        using (var doc = JsonDocument.Parse(r.Out))
        {
            var pg = doc.RootElement.GetProperty("pg");
            Assert.Equal("OK", pg.GetProperty("status").GetString());
            Assert.Equal(0, pg.GetProperty("problem_count").GetInt32());
            Assert.Equal(
                [(1, wal.Timeline1Segments[0], wal.Timeline1Partial, "OK"), (2, wal.Timeline2Segments[0], wal.Timeline2Partial, "OK")],
                pg.GetProperty("timelines").EnumerateArray().Select(t => (t.GetProperty("timeline").GetInt32(), t.GetProperty("first").GetString(), t.GetProperty("last").GetString(), t.GetProperty("status").GetString())));
        }

        File.Delete(h.ArchivePath(wal.Timeline2Segments[0]));
        r = await CliRunner.RunAsync("-c", config, "-f", "json", "verify-wal", "pg");
        Assert.Equal(1, r.ExitCode);
        using var failed = JsonDocument.Parse(r.Out);
        var problems = failed.RootElement.GetProperty("pg").GetProperty("problems").EnumerateArray().ToList();
        Assert.Contains(problems, p => p.GetProperty("file").GetString() == wal.Timeline2Segments[0] && p.GetProperty("kind").GetString() == "missing");
        Assert.Equal("FAILED", failed.RootElement.GetProperty("pg").GetProperty("status").GetString());
    }

    [Fact]
    public async Task From_last_starts_where_the_last_proven_run_ended()
    {
        var (h, config) = await ArchivedAsync();
        using var _ = h;
        var first = await CliRunner.RunAsync("-c", config, "verify-wal", "--from-last", "pg");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.StartsWith("No proven verify-wal run to resume from: verifying the whole archive\n", first.Out, StringComparison.Ordinal);

        // damage behind the proven end: a resumed run does not read it, a whole run does
        var segment = wal.Timeline1Segments[2];
        var record = await HeapRecordAsync(segment);
        Damage(h, segment, bytes => bytes[record.Offset + 40] ^= 0x10);

        var resumed = await CliRunner.RunAsync("-c", config, "verify-wal", "--from-last", "pg");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.StartsWith($"Resuming from {wal.Timeline2Partial}, the end of the last proven run\nTimeline 2 (from timeline 1): {wal.Timeline2Partial} to {wal.Timeline2Partial}, 1 file, ", resumed.Out, StringComparison.Ordinal);
        var whole = await CliRunner.RunAsync("-c", config, "verify-wal", "pg");
        Assert.Equal(1, whole.ExitCode);
        Assert.Contains($"\n\t{segment} at {Lsn.Format(record.Lsn)}: ", whole.Out, StringComparison.Ordinal);
        // a failed run keeps the proven end: the next resumed run starts there again
        Assert.Equal(wal.Timeline2Partial, VerifyWalState.TryRead(h.Server)!.ProvenEnd);
    }
}
