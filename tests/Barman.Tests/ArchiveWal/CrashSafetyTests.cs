using Barman.Core.Wal;
using Barman.Tests.Infrastructure;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.ArchiveWal;

/// <summary>
/// Kills the REAL barman executable (SIGKILL from inside, <c>BARMAN_TEST_CRASH_AT=any:n</c>) at
/// every crash point of a run in turn — and again inside the recovery run — then checks that the
/// next run completes the archive: no segment lost, none archived twice, each listed once in xlog.db;
/// with a post_archive_retry_script (WAL shipped elsewhere), every archived segment reaches it at least once.
/// </summary>
public sealed class CrashSafetyTests
{
    private static readonly string[] StreamingNames = [Seg(1, 1), Seg(1, 2), Seg(1, 3) + ".partial", Seg(1, 4) + ".partial"];
    private static readonly string[] IncomingNames = ["00000002.history"];
    // archival order: streaming segments, then the older partial; then incoming
    private static readonly string[] Expected = [Seg(1, 1), Seg(1, 2), Seg(1, 3) + ".partial", "00000002.history"];
    private static readonly string Kept = Seg(1, 4) + ".partial";

    [Theory]
    [InlineData(null, "recovery-truncated:1", false)]
    [InlineData("zstd", "recovery-appended:1", false)]
    [InlineData(null, "recovery-post-hooks:1", true)]
    public async Task Kill_at_any_point_then_rerun_archives_everything_exactly_once(string? compression, string crashInRecovery, bool postHook)
    {
        // Two crash points at a time (two cores); stop when a run gets past the last point.
        var crashes = 0;
        for (var n = 1; n < 200; n += 2)
        {
            var outcomes = await Task.WhenAll(CrashAndRecoverAsync(n, compression, crashInRecovery, postHook), CrashAndRecoverAsync(n + 1, compression, crashInRecovery, postHook));
            crashes += outcomes.Count(crashed => crashed);
            if (!outcomes[1])
            {
                Assert.True(crashes > 10, $"only {crashes} crash points were exercised");
                return;
            }
        }
        Assert.Fail("the run never completed without crashing");
    }

    /// <summary>Runs archive-wal crashing at point n, then to completion; verifies; true if it crashed.</summary>
    private static async Task<bool> CrashAndRecoverAsync(int n, string? compression, string crashInRecovery, bool postHook)
    {
        {
            using var h = new ArchiveHarness();
            var shipped = h.Dir.Combine("shipped.txt");
            var config = h.WriteConfig("streaming_archiver = on\nslot_name = barman\narchiver = on"
                + (compression is null ? "" : $"\ncompression = {compression}")
                + (postHook ? $"\npost_archive_retry_script = echo \"$BARMAN_SEGMENT\" >> {shipped}" : ""));
            var contents = new Dictionary<string, byte[]>();
            foreach (var name in StreamingNames)
                contents[name] = File.ReadAllBytes(h.Put(h.Streaming, name, Content(name.GetHashCode(StringComparison.Ordinal), 64 * 1024)));
            foreach (var name in IncomingNames)
                contents[name] = File.ReadAllBytes(h.Put(h.Incoming, name, Content(name.GetHashCode(StringComparison.Ordinal), 64 * 1024)));
            string[] args = ["-c", config, "archive-wal", "pg"];

            var first = await CliRunner.RunProcessAsync(args, environment: new Dictionary<string, string> { [CrashPoint.Variable] = $"any:{n}" });
            if (first.ExitCode == 0)
            {
                // n is past the last crash point: this run simply completed
                Verify(h, contents, postHook ? shipped : null);
                return false;
            }
            Assert.Equal(137, first.ExitCode);
            if (crashInRecovery.Length > 0)
            {
                var second = await CliRunner.RunProcessAsync(args, environment: new Dictionary<string, string> { [CrashPoint.Variable] = crashInRecovery });
                Assert.True(second.ExitCode is 0 or 137, second.ToString());
            }
            var final = await CliRunner.RunProcessAsync(args);
            Assert.True(final.ExitCode == 0, $"crash point {n}: {final}");
            Verify(h, contents, postHook ? shipped : null);
            return true;
        }
    }

    private static void Verify(ArchiveHarness h, Dictionary<string, byte[]> contents, string? shipped)
    {
        if (shipped is not null)
            Assert.Equal(Expected.Order(StringComparer.Ordinal), File.ReadAllLines(shipped).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(Expected.Order(StringComparer.Ordinal), h.XlogdbNames().Order(StringComparer.Ordinal));
        Assert.Equal(Expected.Length, h.XlogdbNames().Distinct().Count());
        foreach (var line in h.XlogdbLines())
        {
            var parts = line.Split('\t');
            Assert.Equal(new FileInfo(h.ArchivePath(parts[0])).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[1]);
            Assert.Equal(contents[parts[0]], h.ArchivedContent(parts[0]));
        }
        Assert.Equal([Kept], h.Names(h.Streaming));
        Assert.Empty(h.Names(h.Incoming));
        Assert.Empty(Directory.GetFiles(h.Server.WalsDirectory, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(WalLayout.JournalPath(h.Server)));
        Assert.False(Directory.Exists(h.Server.ErrorsDirectory));
    }
}
