using System.Globalization;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Cron;

/// <summary>
/// receive-wal archiving on completion (the real executable, started by cron) beside archive-wal runs
/// of the real executable in a loop, as cron spawns them: the archive-wal lock keeps them apart, so
/// every segment reaches wals/ and xlog.db exactly once and none is lost.
/// </summary>
public sealed class ArchiveOnCompletionRaceTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    private const int Segments = 16;

    [Fact]
    public async Task Archive_wal_in_a_loop_beside_receive_wal_archives_every_segment_exactly_once()
    {
        await using var home = new CronHome(cluster);
        home.WriteConfig(serverExtra: "archive_on_completion = on");
        var cron = await home.RunAsync("cron");
        Assert.True(cron.ExitCode == 0 && cron.Err == "", cron.ToString());
        await home.WaitForReceiveWalAsync();
        Assert.True(await home.WaitForSlotActiveAsync());

        using var stop = new CancellationTokenSource();
        var archiveWalRuns = 0;
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var run = await home.RunAsync("archive-wal", "pg");
                Assert.True(run.ExitCode == 0 && run.Err == "", run.ToString());
                archiveWalRuns++;
            }
        });
        var switched = new List<string>();
        try
        {
            for (var i = 0; i < Segments; i++)
            {
                switched.Add(await cluster.GenerateWalAndSwitchAsync(rows: 500));
                await cluster.ExecuteAsync("insert into barman_t values (0, 'next segment')");
            }
            var deadline = DateTime.UtcNow.AddSeconds(180);
            while (!switched.All(XlogNames(home).Contains))
            {
                Assert.True(DateTime.UtcNow < deadline, $"not archived within 180 s: {string.Join(", ", switched.Except(XlogNames(home)))}\n{home.Log()}");
                Assert.False(loop.IsCompleted, "the archive-wal loop ended");
                await Task.Delay(50);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await loop.WaitAsync(TimeSpan.FromSeconds(120));
        }
        Assert.True(archiveWalRuns > 0);
        Assert.Contains("Archiving WAL files on completion for server pg", home.Log());

        var names = XlogNames(home);
        Assert.Equal(names.Count, names.Distinct().Count());
        // Continuous from the first archived segment to the last switched one: none lost.
        var indexes = names.Where(n => n.Length == 24).Select(Index).Order().ToList();
        Assert.Equal(Enumerable.Range(0, indexes.Count).Select(i => indexes[0] + i), indexes);
        Assert.True(indexes[^1] >= Index(switched[^1]));
        foreach (var name in names)
        {
            Assert.True(File.Exists(Path.Combine(home.Wals, name[..16], name)), name + " in wals/");
            Assert.False(File.Exists(Path.Combine(home.Streaming, name)), name + " left in streaming/");
        }
        var errors = Path.Combine(home.Home, home.Server, "errors");
        Assert.Empty(Directory.Exists(errors) ? Directory.GetFiles(errors) : []);
    }

    private static List<string> XlogNames(CronHome home)
    {
        var path = Path.Combine(home.Wals, "xlog.db");
        return File.Exists(path) ? [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split('\t')[0])] : [];
    }

    /// <summary>The segment's position on its timeline (16 MiB segments: 256 per log file).</summary>
    private static long Index(string name) =>
        long.Parse(name[8..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture) * 256 + long.Parse(name[16..24], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
