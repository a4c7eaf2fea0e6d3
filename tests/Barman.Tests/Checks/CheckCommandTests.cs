using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary><c>barman check</c> against a real cluster: every item in its OK and FAILED states, all writers byte-for-byte.</summary>
public sealed class CheckCommandTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    private static string Lines(params string[] lines) => string.Join("", lines.Select(l => l + "\n"));

    [Fact]
    public async Task Fresh_server_without_slot_prints_barman_items_in_order()
    {
        await using var h = new CheckHarness(cluster);
        var result = await h.RunAsync("check", "pg");
        Assert.Equal(Lines(
            "Server pg:",
            "\tWAL archive: FAILED (please make sure WAL shipping is setup)",
            "\tPostgreSQL: OK",
            "\tsuperuser or standard user with backup privileges: OK",
            "\tPostgreSQL streaming: OK",
            "\twal_level: OK",
            $"\treplication slot: FAILED (replication slot '{h.Slot}' doesn't exist. Please execute 'barman receive-wal --create-slot pg')",
            "\tdirectories: OK",
            "\twal maximum age: OK (no last_wal_maximum_age provided)",
            "\twal size: OK (0 B)",
            "\tcompression settings: OK",
            "\tsystemid coherence: OK (no system Id stored on disk)",
            "\tpg_receivexlog: OK",
            "\tpg_receivexlog compatible: OK",
            "\treceive-wal running: FAILED (See the Barman log file for more details)",
            "\tstreaming lag: OK (no WAL streamer connected)",
            "\tarchiver errors: OK",
            "\tarchive-wal: OK (0 WAL files archived by the last run)"), result.Out);
        Assert.Equal("", result.Err);
        Assert.Equal(1, result.ExitCode);
        Assert.True(Directory.Exists(h.Errors));
    }

    [Fact]
    public async Task Fresh_server_nagios_and_json_outputs()
    {
        await using var h = new CheckHarness(cluster);
        var nagios = await h.RunAsync("check", "--nagios", "pg");
        Assert.Equal(Lines(
            "BARMAN CRITICAL - server pg has issues * pg FAILED: WAL archive, replication slot, receive-wal running|pg=0B pg_wals=0B",
            "pg.WAL archive: FAILED (please make sure WAL shipping is setup)",
            $"pg.replication slot: FAILED (replication slot '{h.Slot}' doesn't exist. Please execute 'barman receive-wal --create-slot pg')",
            "pg.receive-wal running: FAILED (See the Barman log file for more details)"), nagios.Out);
        Assert.Equal(2, nagios.ExitCode);

        var json = await h.RunAsync("-f", "json", "check", "pg");
        Assert.Equal(
            "{\"pg\": {"
            + "\"archive_wal\": {\"hint\": \"0 WAL files archived by the last run\", \"status\": \"OK\"}, "
            + "\"archiver_errors\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"compression_settings\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"directories\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"pg_receivexlog\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"pg_receivexlog_compatible\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"postgresql\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"postgresql_streaming\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"receive_wal_running\": {\"hint\": \"See the Barman log file for more details\", \"status\": \"FAILED\"}, "
            + $"\"replication_slot\": {{\"hint\": \"replication slot '{h.Slot}' doesn't exist. Please execute 'barman receive-wal --create-slot pg'\", \"status\": \"FAILED\"}}, "
            + "\"streaming_lag\": {\"hint\": \"no WAL streamer connected\", \"status\": \"OK\"}, "
            + "\"superuser_or_standard_user_with_backup_privileges\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"systemid_coherence\": {\"hint\": \"no system Id stored on disk\", \"status\": \"OK\"}, "
            + "\"wal_archive\": {\"hint\": \"please make sure WAL shipping is setup\", \"status\": \"FAILED\"}, "
            + "\"wal_level\": {\"hint\": \"\", \"status\": \"OK\"}, "
            + "\"wal_maximum_age\": {\"hint\": \"no last_wal_maximum_age provided\", \"status\": \"OK\"}, "
            + "\"wal_size\": {\"hint\": \"0 B\", \"status\": \"OK\"}}}", json.Out);
        Assert.Equal(1, json.ExitCode);
    }

    [Fact]
    public async Task Slot_created_not_used_then_active_then_inactive()
    {
        await using var h = new CheckHarness(cluster);
        h.Archive("000000010000000000000001"); // not empty: no WAL switch to wait for
        await h.CreateSlotAsync();
        var created = await h.RunAsync("check", "pg");
        Assert.Contains($"\treplication slot: FAILED (slot '{h.Slot}' not initialised: is 'receive-wal' running?)\n", created.Out);
        Assert.DoesNotContain("replication slot lag", created.Out);

        await h.StartReceiverAsync();
        var active = await h.RunAsync("check", "pg");
        Assert.Contains("\treplication slot: OK\n", active.Out);
        Assert.Matches(@"\treplication slot lag: OK \(\d+(\.\d)? [KM]?i?B retained, wal_status: reserved\)\n", active.Out);
        Assert.Contains("\treceive-wal running: OK\n", active.Out);
        Assert.Matches(@"\tstreaming lag: OK \(\d+(\.\d)? [KM]?i?B behind the server\)\n", active.Out);

        await h.StopReceiverAsync();
        var inactive = await h.RunAsync("check", "pg");
        Assert.Contains($"\treplication slot: FAILED (slot '{h.Slot}' not active: is 'receive-wal' running?)\n", inactive.Out);
        Assert.Contains("\treceive-wal running: FAILED (See the Barman log file for more details)\n", inactive.Out);
        Assert.Contains("\tstreaming lag: OK (no WAL streamer connected)\n", inactive.Out);
    }

    [Fact]
    public async Task Slot_lag_fails_above_max_slot_lag()
    {
        await using var h = new CheckHarness(cluster, "max_slot_lag = 1 MiB");
        await h.CreateSlotAsync();
        await h.StartReceiverAsync();
        await h.StopReceiverAsync();
        // 20000 rows is several MiB of WAL the inactive slot now retains
        await cluster.GenerateWalAndSwitchAsync(40000);
        var result = await h.RunAsync("check", "pg");
        Assert.Matches(@"\treplication slot lag: FAILED \(\d+\.\d MiB retained, max_slot_lag: 1\.0 MiB, wal_status: reserved\)\n", result.Out);
        Assert.Equal(1, result.ExitCode);
    }
}
