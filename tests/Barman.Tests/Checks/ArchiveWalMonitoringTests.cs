using Barman.Tests.ArchiveWal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>
/// The alert an operator needs most: archive-wal failing on an archive it cannot write (made
/// immutable with chattr: the tests run as root, so a mode would not stop them) turns check and
/// --nagios red with its error, and the next good run turns them green again.
/// </summary>
public sealed class ArchiveWalMonitoringTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task Failing_archive_wal_makes_nagios_critical_until_a_good_run()
    {
        await using var h = new CheckHarness(cluster);
        await h.CreateSlotAsync();
        await h.StartReceiverAsync();
        await CompleteSegmentAsync(h);
        var first = await h.RunAsync("archive-wal", "pg");
        Assert.True(first.ExitCode == 0, first.ToString());
        var healthy = await h.RunAsync("check", "--nagios", "pg");
        Assert.True(healthy.ExitCode == 0 && healthy.Out.StartsWith("BARMAN OK", StringComparison.Ordinal), healthy.ToString());

        await CompleteSegmentAsync(h);
        await Chattr("+i", h.Wals);
        CliResult failed, critical, console;
        try
        {
            failed = await h.RunAsync("archive-wal", "pg");
            critical = await h.RunAsync("check", "--nagios", "pg");
            console = await h.RunAsync("check", "pg");
        }
        finally
        {
            await Chattr("-i", h.Wals);
        }

        Assert.Equal(1, failed.ExitCode);
        var error = failed.Err.Split('\n')[0]["ERROR: ".Length..];
        Assert.Equal(2, critical.ExitCode);
        var lines = critical.Out.Split('\n');
        Assert.StartsWith("BARMAN CRITICAL - server pg has issues * pg FAILED: archive-wal|", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^pg\.archive-wal: FAILED \(last run failed (less than one second|\d+ seconds?) ago: " + System.Text.RegularExpressions.Regex.Escape(error) + @"\)$", lines[1]);
        Assert.Contains("\tarchive-wal: FAILED (last run failed ", console.Out, StringComparison.Ordinal);
        Assert.Equal(1, console.ExitCode);

        var again = await h.RunAsync("archive-wal", "pg");
        Assert.True(again.ExitCode == 0, again.ToString());
        var green = await h.RunAsync("check", "--nagios", "pg");
        Assert.True(green.ExitCode == 0 && green.Out.StartsWith("BARMAN OK", StringComparison.Ordinal), green.ToString());
        Assert.Contains("\tarchive-wal: OK (1 WAL file archived by the last run)\n", (await h.RunAsync("check", "pg")).Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes WAL and switches until pg_receivewal has renamed a complete segment into streaming/ and
    /// opened the next .partial: archive-wal keeps the newest complete segment while no partial exists.
    /// </summary>
    private async Task CompleteSegmentAsync(CheckHarness h)
    {
        await cluster.GenerateWalAndSwitchAsync(1000);
        for (var i = 0; i < 400; i++)
        {
            var names = Directory.GetFiles(h.Streaming).Select(Path.GetFileName).ToList();
            if (names.Any(n => n!.Length == 24) && names.Any(n => n!.EndsWith(".partial", StringComparison.Ordinal)))
                return;
            await Task.Delay(50);
        }
        throw new TimeoutException("no complete segment reached streaming/");
    }

    private static async Task Chattr(string flag, string directory)
    {
        var (code, _, err) = await ArchiveHarness.Tool("chattr", "-R", flag, directory);
        Assert.True(code == 0, $"chattr -R {flag} {directory}: {err}");
    }
}
