using Barman.Core.Os;
using Barman.Tests.ArchiveWal;
using Barman.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Barman.Tests.Cron;

/// <summary>
/// The guard against Barman 3.18/3.19's cron regressions (#1169, #1201: cron stopped archiving and
/// receiving): from an empty barman_home, `barman cron` every few seconds while the database writes
/// keeps a continuous, byte-identical WAL archive across a server restart and kill -9 of receive-wal
/// and of pg_receivewal.
/// </summary>
public sealed class CronEndToEndTests(PgCluster cluster, ITestOutputHelper log) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task Cron_every_few_seconds_keeps_a_continuous_archive_across_restart_and_kills()
    {
        // Keep every segment in pg_wal so that the archive can be compared with the server's own files.
        await cluster.AppendConfAsync("wal_keep_size = '4GB'");
        await cluster.RestartAsync();
        await using var home = new CronHome(cluster);
        Assert.Empty(Directory.EnumerateFileSystemEntries(home.Home));

        using var stopWriter = new CancellationTokenSource();
        var writer = Task.Run(() => WriteContinuouslyAsync(stopWriter.Token));
        string? first = null;
        try
        {
            for (var pass = 1; pass <= 10; pass++)
            {
                var r = await home.RunAsync("cron");
                log.WriteLine($"pass {pass}: {r.Out.Replace('\n', '|')}");
                Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
                if (pass == 1)
                {
                    await home.WaitForReceiveWalAsync();
                    Assert.True(await home.WaitForSlotActiveAsync());
                    // the segment holding the server's position once the slot exists: everything from here on must arrive
                    first = await cluster.ScalarAsync<string>("select pg_walfile_name(pg_current_wal_lsn() + 1)");
                    log.WriteLine($"first segment after slot creation: {first}");
                }
                await SwitchAsync();
                switch (pass)
                {
                    case 3:
                        var receiveWal = LockFile.Holder(home.LockPath(LockKind.ReceiveWal));
                        Assert.True(receiveWal > 0);
                        log.WriteLine($"kill -9 receive-wal {receiveWal}");
                        Posix.Kill(receiveWal!.Value, Posix.SIGKILL);
                        break;
                    case 5:
                        var receiver = Assert.Single(home.PgReceiveWals());
                        log.WriteLine($"kill -9 pg_receivewal {receiver}");
                        Posix.Kill(receiver, Posix.SIGKILL);
                        break;
                    case 7:
                        log.WriteLine("pg_ctl restart");
                        await cluster.RestartAsync();
                        break;
                }
                await Task.Delay(2000);
            }

            var last = await SwitchAsync();
            log.WriteLine($"last switched segment: {last}");
            // pg_receivewal opens the next .partial as soon as the writer adds WAL; then archive-wal takes `last`.
            var archived = false;
            for (var i = 0; i < 20 && !archived; i++)
            {
                var r = await home.RunAsync("cron");
                Assert.True(r.ExitCode == 0 && r.Err == "", r.ToString());
                archived = await ProcInfo.WaitForAsync(() => File.Exists(ArchivePath(home, last)), TimeSpan.FromSeconds(2));
            }
            Assert.True(archived, $"{last} never reached wals/; log:\n{home.Log()}");
            // the file is renamed into wals/ before its xlog.db line is written: let archive-wal finish
            Assert.True(await ProcInfo.WaitForAsync(() => LockFile.Holder(home.LockPath(LockKind.ArchiveWal)) is null, TimeSpan.FromSeconds(30)));

            stopWriter.Cancel();
            await writer;
            AssertContinuousAndIdentical(home, first!, last);
        }
        finally
        {
            await stopWriter.CancelAsync();
            await writer;
        }
    }

    private void AssertContinuousAndIdentical(CronHome home, string first, string last)
    {
        var timeline = Convert.ToUInt32(first[..8], 16);
        var from = ArchiveHarness.SegNo(first);
        var to = ArchiveHarness.SegNo(last);
        Assert.True(to >= from + 10, $"only {to - from + 1} segments from {first} to {last}");
        var xlogdb = File.ReadAllText(Path.Combine(home.Wals, "xlog.db"));
        for (var n = from; n <= to; n++)
        {
            var name = ArchiveHarness.Seg(timeline, n);
            var archived = ArchivePath(home, name);
            Assert.True(File.Exists(archived), $"gap in the archive: {name} is missing (first {first}, last {last})");
            var original = File.ReadAllBytes(Path.Combine(cluster.DataDirectory, "pg_wal", name));
            Assert.True(original.AsSpan().SequenceEqual(File.ReadAllBytes(archived)), $"{name} differs from the server's pg_wal/{name}");
            Assert.Contains(name + "\t", xlogdb);
        }
        log.WriteLine($"{to - from + 1} segments {first}..{last} archived, byte-identical");
        var errors = Path.Combine(home.Home, home.Server, "errors");
        var misplaced = Directory.Exists(errors) ? Directory.GetFileSystemEntries(errors).Select(Path.GetFileName).ToArray() : [];
        Assert.True(misplaced.Length == 0, $"files went to errors/: {string.Join(", ", misplaced)}; log:\n{home.Log()}");
    }

    private static string ArchivePath(CronHome home, string segment) =>
        Path.Combine(home.Wals, segment[..16], segment);

    /// <summary>Closes the current segment (retrying while the server restarts); returns its name.</summary>
    private async Task<string> SwitchAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await cluster.ExecuteAsync("insert into cron_e2e select g, md5(g::text) from generate_series(1, 2000) g");
                return (await cluster.ScalarAsync<string>("select pg_walfile_name(pg_switch_wal())"))!;
            }
            catch (Npgsql.NpgsqlException) when (attempt < 50)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>The database keeps writing throughout, tolerating the restart.</summary>
    private async Task WriteContinuouslyAsync(CancellationToken cancellationToken)
    {
        await cluster.ExecuteAsync("create table if not exists cron_e2e(g int, s text)", Bounded.Token());
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await cluster.ExecuteAsync("insert into cron_e2e select g, md5(g::text) from generate_series(1, 500) g", cancellationToken);
                await Task.Delay(200, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Npgsql.NpgsqlException)
            {
                try
                {
                    await Task.Delay(200, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
