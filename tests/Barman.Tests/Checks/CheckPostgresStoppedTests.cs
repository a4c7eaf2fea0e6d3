using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>check, status and switch-wal while the cluster is really stopped (own cluster: the test stops it).</summary>
public sealed class CheckPostgresStoppedTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    [Fact]
    public async Task Stopped_postgres()
    {
        await using var h = new CheckHarness(cluster);
        await cluster.StopAsync();
        try
        {
            var check = await h.RunAsync("check", "pg");
            Assert.Equal($"""
                Server pg:
                	WAL archive: FAILED (please make sure WAL shipping is setup)
                	PostgreSQL: FAILED (connection to server at "127.0.0.1", port {cluster.Port} failed: Connection refused Is the server running on that host and accepting TCP/IP connections?)
                	directories: OK
                	wal maximum age: OK (no last_wal_maximum_age provided)
                	wal size: OK (0 B)
                	compression settings: OK
                	systemid coherence: OK (no system Id available)
                	pg_receivexlog: OK
                	pg_receivexlog compatible: FAILED (PostgreSQL version: None, pg_receivexlog version: 15.18)
                	receive-wal running: FAILED (See the Barman log file for more details)
                	archiver errors: OK
                	archive-wal: OK (0 WAL files archived by the last run)

                """.Replace("\r", "", StringComparison.Ordinal), check.Out);
            Assert.Equal(1, check.ExitCode);

            var status = await h.RunAsync("status", "pg");
            Assert.Equal("Server pg:\n\tDescription: check test\n\tActive: True\n\tDisabled: False\n\tPostgreSQL version: FAILED trying to get PostgreSQL version\n\tLast archived WAL: No WAL segment archived yet\n\tStreaming: receive-wal stopped\n\tPassive node: False\n", status.Out);
            Assert.Equal(0, status.ExitCode);

            var switched = await h.RunAsync("switch-wal", "pg");
            Assert.Equal("ERROR: Unable to perform pg_switch_wal for server 'pg'.\n", switched.Err);
            Assert.Equal(1, switched.ExitCode);
        }
        finally
        {
            await cluster.StartAsync();
        }
    }

    [Fact]
    public async Task Server_settings_wal_level_and_archive_mode()
    {
        var other = $"""
            [other]
            conninfo = host=127.0.0.1 port={cluster.Port} user=postgres dbname=postgres
            backup_method = postgres
            archiver = on
            """;
        await using var h = new CheckHarness(cluster, extraSections: other);
        h.Archive("000000010000000000000001");
        await cluster.AppendConfAsync("wal_level = minimal\nmax_wal_senders = 0");
        await cluster.RestartAsync();
        try
        {
            var minimal = await h.RunAsync("check", "pg");
            Assert.Contains("\twal_level: FAILED (please set it to a higher level than 'minimal')\n", minimal.Out);
        }
        finally
        {
            await cluster.AppendConfAsync("wal_level = replica\nmax_wal_senders = 10\narchive_mode = on\narchive_command = 'true'");
            await cluster.RestartAsync();
        }
        await cluster.GenerateWalAndSwitchAsync(100);
        for (var i = 0; i < 100 && await cluster.ScalarAsync<long>("select archived_count from pg_stat_archiver") == 0; i++)
            await Task.Delay(50);
        var archiving = await h.RunAsync("check", "other");
        Assert.Contains("\twal_level: OK\n", archiving.Out);
        Assert.Contains("\tarchive_mode: OK\n\tarchive_command: OK\n\tcontinuous archiving: OK\n", archiving.Out);
        var status = await h.RunAsync("status", "other");
        Assert.Contains("\tPostgreSQL 'archive_command' setting: true\n", status.Out);
        Assert.Matches(@"\tLast archived WAL: [0-9A-F]{24}, at \w{3} \w{3} [ 1-3]\d \d\d:\d\d:\d\d \d{4}\n\tFailures of WAL archiver: 0\n\tServer WAL archiving rate: \d+\.\d\d/hour\n", status.Out);
        Assert.DoesNotContain("Streaming:", status.Out);
    }

    [Fact]
    public async Task Slot_that_lost_its_wal_fails_the_lag_item()
    {
        await using var h = new CheckHarness(cluster);
        h.Archive("000000010000000000000001");
        await cluster.ExecuteAsync($"select pg_create_physical_replication_slot('{h.Slot}', true)");
        await cluster.ExecuteAsync("alter system set max_slot_wal_keep_size = '1MB'");
        await cluster.ExecuteAsync("select pg_reload_conf()");
        try
        {
            for (var i = 0; i < 4; i++)
                await cluster.GenerateWalAndSwitchAsync(1000);
            await cluster.ExecuteAsync("checkpoint");
            var result = await h.RunAsync("check", "pg");
            Assert.Matches(@"\treplication slot lag: FAILED \(.* retained, wal_status: (lost|unreserved).*\)\n", result.Out);
            Assert.Equal(1, result.ExitCode);
        }
        finally
        {
            await cluster.ExecuteAsync("alter system reset max_slot_wal_keep_size");
            await cluster.ExecuteAsync("select pg_reload_conf()");
        }
    }
}
