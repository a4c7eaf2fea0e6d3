using System.Globalization;
using Barman.Tests.Infrastructure;
using Npgsql;

namespace Barman.Tests.ReadSide;

/// <summary>
/// The acceptance test of the read side: a real PostgreSQL 15 cluster, a <c>pg_basebackup -X none</c>,
/// WAL streamed and archived by this project's own verbs (receive-wal, archive-wal; a plain and a
/// gzip archive of the same stream), rows in several segments and a last batch only in the
/// <c>.partial</c>, the primary stopped with <c>-m immediate</c>; copies of the base backup recovered
/// with <c>restore_command = 'barman -c CONF get-wal SERVER %f &gt; %p'</c> hold exactly the rows of
/// the archived segments, and with <c>-P</c> every row.
/// </summary>
public sealed class RecoveryTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    private const int BatchRows = 20000;
    private const int Batches = 4;
    private const int LastBatchRows = 777;

    [Fact]
    public async Task A_cluster_is_recovered_from_the_archive_alone()
    {
        Assert.True(PgCluster.IsRoot, "restore_command runs as postgres: this test runs barman as root dropping to postgres");
        var home = Path.Combine(cluster.Root, "barman");
        await PgCluster.RunAsPostgres("mkdir", "-m", "700", home);
        var config = Path.Combine(cluster.Root, "barman.conf");
        await File.WriteAllTextAsync(config, Config(home));
        File.SetUnixFileMode(config, (UnixFileMode)0x1A4);
        string[] Args(params string[] rest) => ["-c", config, .. rest];

        var started = await CliRunner.RunProcessAsync(Args("receive-wal", "--background", "pg"));
        Assert.True(started.ExitCode == 0, started.ToString());
        try
        {
            await WaitForAsync("select count(*) > 0 from pg_stat_replication where state = 'streaming'");
            await cluster.ExecuteAsync("create table t(batch int, n int, s text)");
            await PgCluster.RunAsPostgres(Path.Combine(PgCluster.BinDir, "pg_basebackup"), "-h", cluster.Host, "-p", cluster.Port.ToString(CultureInfo.InvariantCulture),
                "-U", "postgres", "-D", Path.Combine(cluster.Root, "base"), "-X", "none", "-c", "fast", "--no-sync");
            for (var batch = 1; batch <= Batches; batch++)
            {
                await cluster.ExecuteAsync($"insert into t select {batch}, g, md5(g::text) from generate_series(1, {BatchRows}) g");
                await cluster.ExecuteAsync("select pg_switch_wal()");
            }
            await cluster.ExecuteAsync($"insert into t select 0, g, md5(g::text) from generate_series(1, {LastBatchRows}) g");
            var end = await cluster.ScalarAsync<string>("select pg_current_wal_insert_lsn()::text");
            // pg_receivewal has written the last batch into its .partial (its status messages say so)
            await WaitForAsync($"select coalesce(max(write_lsn) >= '{end}'::pg_lsn, false) from pg_stat_replication");
            await cluster.StopAsync("immediate");
        }
        finally
        {
            var stopped = await CliRunner.RunProcessAsync(Args("receive-wal", "--stop", "pg"));
            Assert.True(stopped.ExitCode == 0, stopped.ToString());
        }

        // the same stream into a gzip archive (server pgz), then both archived by archive-wal
        await PgCluster.RunAsPostgres("sh", "-c", $"mkdir -p {home}/pgz/streaming && cp -p {home}/pg/streaming/* {home}/pgz/streaming/");
        foreach (var server in new[] { "pg", "pgz" })
        {
            var archived = await CliRunner.RunProcessAsync(Args("archive-wal", server));
            Assert.True(archived.ExitCode == 0, archived.ToString());
            var left = Directory.GetFiles(Path.Combine(home, server, "streaming"));
            Assert.True(left.Length == 1 && left[0].EndsWith(".partial", StringComparison.Ordinal), archived.ToString());
        }
        Assert.Contains("\tgzip\n", await File.ReadAllTextAsync(Path.Combine(home, "pgz", "wals", "xlog.db")), StringComparison.Ordinal);

        var archivedRows = (long)Batches * BatchRows;
        foreach (var server in new[] { "pg", "pgz" })
        {
            foreach (var (partial, expected) in new[] { (false, archivedRows), (true, archivedRows + LastBatchRows) })
            {
                var (rows, log) = await RecoverAsync(config, server, partial);
                Assert.True(rows == expected, $"{server} {(partial ? "-P" : "")}: {rows} rows, expected {expected}\n{log}\n--- barman.log\n{Tail(Path.Combine(home, "barman.log"))}");
            }
        }
    }

    private static string Tail(string path) => File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(40)) : "(none)";

    /// <summary>Recovers a copy of the base backup with get-wal as restore_command; returns the rows of t and the server's log.</summary>
    private async Task<(long Rows, string Log)> RecoverAsync(string config, string server, bool partial)
    {
        var data = Path.Combine(cluster.Root, $"restore-{server}-{(partial ? "partial" : "archived")}");
        await PgCluster.RunAsPostgres("cp", "-a", Path.Combine(cluster.Root, "base"), data);
        var port = PgCluster.FreePort();
        var restore = $"{CliRunner.ExecutablePath} -c {config} get-wal {(partial ? "-P " : "")}{server} %f > %p";
        await PgCluster.RunAsPostgres("sh", "-c", $"cat >> '{data}/postgresql.conf' <<'EOF'\nport = {port}\nrestore_command = '{restore}'\nEOF\ntouch '{data}/recovery.signal'\n");
        var ctl = Path.Combine(PgCluster.BinDir, "pg_ctl");
        var log = data + ".log";
        try
        {
            try
            {
                await PgCluster.RunAsPostgres(ctl, "-D", data, "-l", log, "-w", "-t", "120", "start");
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{e.Message}\n{await File.ReadAllTextAsync(log)}", e);
            }
            await using var connection = new NpgsqlConnection($"Host={cluster.Host};Port={port};Username=postgres;Database=postgres;Pooling=false");
            await connection.OpenAsync();
            // hot standby accepts connections while it replays: wait for the end of recovery (promotion)
            await using (var inRecovery = new NpgsqlCommand("select pg_is_in_recovery()", connection))
            {
                for (var i = 0; i < 1200 && (bool)(await inRecovery.ExecuteScalarAsync())!; i++)
                    await Task.Delay(100);
            }
            await using var command = new NpgsqlCommand("select count(*) from t", connection);
            return ((long)(await command.ExecuteScalarAsync())!, await File.ReadAllTextAsync(log));
        }
        finally
        {
            try
            {
                await PgCluster.RunAsPostgres(ctl, "-D", data, "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
                // did not start
            }
        }
    }

    private async Task WaitForAsync(string condition)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await cluster.ScalarAsync<bool>(condition))
                return;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out waiting for: {condition}");
    }

    private string Config(string home) => $"""
        [barman]
        barman_home = {home}
        barman_user = postgres
        log_file = {home}/barman.log
        log_level = DEBUG
        ; the stream is copied to pgz from streaming/ below: archive-wal, not receive-wal, archives both
        archive_on_completion = off

        [pg]
        conninfo = host=127.0.0.1 port={cluster.Port} user=postgres dbname=postgres
        streaming_conninfo = host=127.0.0.1 port={cluster.Port} user=postgres
        backup_method = postgres
        streaming_archiver = on
        slot_name = recovery_test
        create_slot = auto
        path_prefix = {PgCluster.BinDir}

        [pgz]
        conninfo = host=127.0.0.1 port={cluster.Port} user=postgres dbname=postgres
        streaming_conninfo = host=127.0.0.1 port={cluster.Port} user=postgres
        backup_method = postgres
        streaming_archiver = on
        slot_name = recovery_test_z
        compression = gzip

        """;
}
