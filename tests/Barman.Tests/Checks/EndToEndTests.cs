using System.Text.RegularExpressions;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>The real executable: receive-wal in the background, then check, status, switch-wal --archive, check --nagios.</summary>
public sealed class EndToEndTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task Monitoring_a_running_receive_wal()
    {
        await using var h = new CheckHarness(cluster, "create_slot = auto");
        string[] Args(params string[] rest) => ["-c", h.ConfigPath, .. rest];
        var started = await CliRunner.RunProcessAsync(Args("receive-wal", "--background", "pg"));
        var pid = Regex.Match(started.Out, @"\(pid (\d+)\)").Groups[1].Value;
        Assert.True(pid.Length > 0, started.ToString());
        try
        {
            for (var i = 0; i < 200 && !await cluster.ScalarAsync<bool>($"select coalesce((select active and restart_lsn is not null from pg_replication_slots where slot_name = '{h.Slot}'), false)"); i++)
                await Task.Delay(50);

            await cluster.ExecuteAsync("create table if not exists e2e(g int); insert into e2e values (1)");
            using var stop = new CancellationTokenSource();
            var writer = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await cluster.ExecuteAsync("insert into e2e select generate_series(1, 100)", CancellationToken.None);
                    await Task.Delay(100, CancellationToken.None);
                }
            }, CancellationToken.None);
            var switched = await CliRunner.RunProcessAsync(Args("switch-wal", "--archive", "pg"));
            await stop.CancelAsync();
            await writer.Within("the WAL writer");
            Assert.Matches(@"^The WAL file [0-9A-F]{24} has been closed on server 'pg'\nWaiting for the WAL file [0-9A-F]{24} from server 'pg' \(max: 30 seconds\)\n", switched.Out);
            Assert.Equal(0, switched.ExitCode);

            var check = await CliRunner.RunProcessAsync(Args("check", "pg"));
            Assert.Contains("\treplication slot: OK\n", check.Out);
            Assert.Contains("\treceive-wal running: OK\n", check.Out);
            Assert.Contains("\twal continuity: OK\n", check.Out);
            Assert.DoesNotContain("FAILED", check.Out);
            Assert.Equal(0, check.ExitCode);

            var nagios = await CliRunner.RunProcessAsync(Args("check", "--nagios", "pg"));
            Assert.Matches(@"^BARMAN OK - Ready to serve the Espresso backup for pg\|pg=0B pg_wals=\d+B\n$", nagios.Out);
            Assert.Equal(0, nagios.ExitCode);

            var status = await CliRunner.RunProcessAsync(Args("status", "pg"));
            Assert.Matches($@"\tStreaming: receive-wal running \(pid {pid}\)(, lag \d+(\.\d)? [KMG]?i?B)?\n", status.Out);
        }
        finally
        {
            var stopped = await CliRunner.RunProcessAsync(Args("receive-wal", "--stop", "pg"));
            Assert.Equal($"Stopped process receive-wal({pid})\n", stopped.Out);
        }
        var after = await CliRunner.RunProcessAsync(Args("check", "--nagios", "pg"));
        Assert.StartsWith("BARMAN CRITICAL - server pg has issues * pg FAILED: ", after.Out);
        Assert.Contains("pg.receive-wal running: FAILED (See the Barman log file for more details)\n", after.Out);
        Assert.Equal(2, after.ExitCode);
    }
}
