using Barman.Core.Configuration;
using Barman.Core.Metrics;
using Barman.Core.Wal;
using Barman.Tests.Checks;
using Barman.Tests.Infrastructure;
using static Barman.Tests.Metrics.Promtool;

namespace Barman.Tests.Metrics;

/// <summary><c>barman metrics</c> against a real cluster and real files, validated by promtool.</summary>
public sealed class MetricsTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    private const string Pg = "server=\"pg\"";

    [Fact]
    public async Task Streaming_server_metrics_are_valid_and_say_what_is_there()
    {
        await using var h = new CheckHarness(cluster);
        h.Archive("000000010000000000000001", "000000010000000000000002");
        await h.CreateSlotAsync();
        await h.StartReceiverAsync();

        var r = await h.RunAsync("metrics", "pg");

        Assert.True(r.ExitCode == 0, r.ToString());
        await AssertValidAsync(r.Out);
        Assert.Equal(1, Value(r.Out, "barman_receive_wal_up", Pg));
        Assert.Equal(1, Value(r.Out, "barman_postgres_up", Pg));
        Assert.True(Value(r.Out, "barman_streaming_lag_bytes", Pg) >= 0, r.Out);
        var retained = Value(r.Out, "barman_replication_slot_retained_bytes", Pg);
        Assert.True(retained >= 0, r.Out);
        var expected = await cluster.ScalarAsync<long>($"select pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint from pg_replication_slots where slot_name = '{h.Slot}'");
        Assert.InRange(retained!.Value, 0, expected + (1 << 20));
        Assert.Equal(2, Value(r.Out, "barman_archived_wal_files", Pg));
        Assert.Equal(2048, Value(r.Out, "barman_archive_size_bytes", Pg));
        Assert.Equal(1700000000.0, Value(r.Out, "barman_last_archived_wal_timestamp_seconds", Pg));
        Assert.InRange(Value(r.Out, "barman_last_archived_wal_age_seconds", Pg)!.Value,
            DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1700000000.0 - 120, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1700000000.0 + 1);
        Assert.Equal(0, Value(r.Out, "barman_wal_queue_files", Pg + ",queue=\"streaming\""));
        Assert.Null(Value(r.Out, "barman_wal_queue_files", Pg + ",queue=\"incoming\""));
        // No archive-wal ran: no made-up outcome.
        Assert.Null(Value(r.Out, "barman_archive_wal_last_run_success", Pg));

        await h.StopReceiverAsync();
        var stopped = await h.RunAsync("metrics", "pg");
        Assert.Equal(0, Value(stopped.Out, "barman_receive_wal_up", Pg));
        Assert.Null(Value(stopped.Out, "barman_streaming_lag_bytes", Pg));
    }

    [Fact]
    public async Task Queues_errors_and_the_last_archive_wal_run_are_counted()
    {
        await using var h = new CheckHarness(cluster, "archiver = on");
        Directory.CreateDirectory(h.Streaming);
        foreach (var name in new[] { "000000010000000000000003", "000000010000000000000004", "000000010000000000000005", "000000010000000000000006.partial", "junk" })
            File.WriteAllBytes(Path.Combine(h.Streaming, name), [1]);
        var incoming = Path.Combine(h.ServerDir, "incoming");
        Directory.CreateDirectory(incoming);
        File.WriteAllBytes(Path.Combine(incoming, "000000010000000000000007"), [1]);
        Directory.CreateDirectory(h.Errors);
        foreach (var name in new[] { "a.20261124T052932Z.duplicate", "b.duplicate", "c.unknown", "d.error", "e.x.reset", "f.truncated", "g" })
            File.WriteAllBytes(Path.Combine(h.Errors, name), [1]);
        var server = Server(h);
        var started = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        ArchiveRunOutcomes.Record(server, new ArchiveRunOutcome(started.AddMinutes(-1), TimeSpan.FromSeconds(2), true, 5, null));
        ArchiveRunOutcomes.Record(server, new ArchiveRunOutcome(started, TimeSpan.FromMilliseconds(250), false, 1, "Unable to archive WAL file"));

        var r = await h.RunAsync("metrics", "pg");

        Assert.True(r.ExitCode == 0, r.ToString());
        await AssertValidAsync(r.Out);
        // The three complete segments; the newest .partial stays in streaming/, junk is not WAL.
        Assert.Equal(3, Value(r.Out, "barman_wal_queue_files", Pg + ",queue=\"streaming\""));
        Assert.Equal(1, Value(r.Out, "barman_wal_queue_files", Pg + ",queue=\"incoming\""));
        Assert.Equal(2, Value(r.Out, "barman_archiver_errors", Pg + ",kind=\"duplicate\""));
        foreach (var kind in new[] { "unknown", "error", "reset", "truncated", "other" })
            Assert.Equal(1, Value(r.Out, "barman_archiver_errors", Pg + $",kind=\"{kind}\""));
        Assert.Equal(0, Value(r.Out, "barman_archive_wal_last_run_success", Pg));
        Assert.Equal(1_800_000_000.25, Value(r.Out, "barman_archive_wal_last_run_timestamp_seconds", Pg));
        Assert.Equal(0.25, Value(r.Out, "barman_archive_wal_last_run_duration_seconds", Pg));
        Assert.Equal(1, Value(r.Out, "barman_archive_wal_last_run_archived_files", Pg));
        Assert.Equal(1_800_000_000 - 58, Value(r.Out, "barman_archive_wal_last_success_timestamp_seconds", Pg));
        Assert.Equal(1, Value(r.Out, "barman_archive_wal_consecutive_failures", Pg));
    }

    [Fact]
    public async Task Unreachable_postgres_is_down_without_made_up_figures()
    {
        await using var h = new CheckHarness(cluster);
        var port = PgCluster.FreePort();
        h.WriteConfig($"conninfo = host=127.0.0.1 port={port} user=postgres dbname=postgres\nstreaming_conninfo = host=127.0.0.1 port={port} user=postgres");

        var r = await h.RunAsync("metrics");

        Assert.True(r.ExitCode == 0, r.ToString());
        await AssertValidAsync(r.Out);
        Assert.Equal(0, Value(r.Out, "barman_postgres_up", Pg));
        Assert.Null(Value(r.Out, "barman_streaming_lag_bytes", Pg));
        Assert.Null(Value(r.Out, "barman_replication_slot_retained_bytes", Pg));
        Assert.Equal(0, Value(r.Out, "barman_archived_wal_files", Pg));
    }

    [Fact]
    public async Task Servers_of_one_conninfo_share_one_connection_and_keep_their_own_figures()
    {
        await using var h = new CheckHarness(cluster);
        h.WriteConfig(extraSections: $"""
            [pg2]
            conninfo = host=127.0.0.1 port={cluster.Port} user=postgres dbname=postgres
            backup_method = postgres
            streaming_archiver = on
            slot_name = no_such_slot

            [pg3]
            conninfo = host=127.0.0.1 port={cluster.Port} user=postgres dbname=template1
            backup_method = postgres
            streaming_archiver = on
            slot_name = {h.Slot}
            """);
        await cluster.ExecuteAsync($"select pg_create_physical_replication_slot('{h.Slot}', true)");
        var trace = h.Dir.Combine("connect.trace");

        var r = await CliRunner.RunProcessAsync(["-c", h.ConfigPath, "metrics"], launcher: ["/usr/bin/strace", "-f", "-e", "trace=connect", "-o", trace]);

        Assert.True(r.ExitCode == 0, r.ToString());
        await AssertValidAsync(r.Out);
        foreach (var server in new[] { "pg", "pg2", "pg3" })
            Assert.Equal(1, Value(r.Out, "barman_postgres_up", $"server=\"{server}\""));
        // each server's own slot, on the connection it shares: pg2's does not exist
        Assert.True(Value(r.Out, "barman_replication_slot_retained_bytes", Pg) >= 0, r.Out);
        Assert.Null(Value(r.Out, "barman_replication_slot_retained_bytes", "server=\"pg2\""));
        Assert.True(Value(r.Out, "barman_replication_slot_retained_bytes", "server=\"pg3\"") >= 0, r.Out);
        // two distinct conninfos: two connections to the cluster for three servers
        var connects = File.ReadLines(trace).Count(l => l.Contains($"htons({cluster.Port})", StringComparison.Ordinal));
        Assert.Equal(2, connects);
    }

    [Fact]
    public async Task Output_file_is_replaced_atomically_readable_by_node_exporter()
    {
        await using var h = new CheckHarness(cluster);
        var textfiles = h.Dir.Combine("textfile");
        Directory.CreateDirectory(textfiles);
        var path = Path.Combine(textfiles, "barman.prom");
        File.WriteAllText(path, "stale\n");
        var before = new FileInfo(path).Exists ? Barman.Core.Os.FileCalls.Lstat(path)!.Value.Inode : 0;

        var r = await h.RunAsync("metrics", "--output-file", path);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Out);
        var text = await File.ReadAllTextAsync(path);
        await AssertValidAsync(text);
        Assert.Contains("barman_archived_wal_files{server=\"pg\"} 0\n", text, StringComparison.Ordinal);
        Assert.NotEqual(before, Barman.Core.Os.FileCalls.Lstat(path)!.Value.Inode); // a new file renamed over the old one
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        Assert.Equal(["barman.prom"], Directory.GetFiles(textfiles).Select(Path.GetFileName));

        var unwritable = await h.RunAsync("metrics", "--output-file", h.Dir.Combine("no", "such", "dir", "barman.prom"));
        Assert.Equal(1, unwritable.ExitCode);
        Assert.StartsWith($"ERROR: Cannot write the metrics file '{h.Dir.Combine("no", "such", "dir", "barman.prom")}': ", unwritable.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cron_refreshes_the_metrics_file_at_every_run()
    {
        await using var h = new CheckHarness(cluster);
        var path = h.Dir.Combine("barman.prom");
        var text = File.ReadAllText(h.ConfigPath).Replace("[barman]\n", $"[barman]\nmetrics_file = {path}\n", StringComparison.Ordinal);
        File.WriteAllText(h.ConfigPath, text);
        var config = ConfigLoader.Load(h.ConfigPath);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var output = new Barman.Core.Output.ConsoleOutput(stdout, stderr, new Barman.Core.Output.OutputOptions());

        await Barman.Core.Cron.CronCommand.RunAsync(config, output, new NoLauncher(), CancellationToken.None);

        Assert.True(output.Close() == 0, stderr.ToString());
        var first = await File.ReadAllTextAsync(path);
        await AssertValidAsync(first);
        Assert.Equal(0, Value(first, "barman_archived_wal_files", Pg));

        h.Archive("000000010000000000000001");
        await Barman.Core.Cron.CronCommand.RunAsync(config, output, new NoLauncher(), CancellationToken.None);
        Assert.Equal(1, Value(await File.ReadAllTextAsync(path), "barman_archived_wal_files", Pg));
    }

    [Fact]
    public async Task Promtool_rejects_a_broken_exposition()
    {
        // The validity checks above mean something: promtool fails on a family split in two.
        var r = await CheckAsync("# HELP a x\n# TYPE a gauge\na 1\n# HELP b y\n# TYPE b gauge\nb 1\n# TYPE a gauge\na{x=\"1\"} 2\n");
        Assert.NotEqual(0, r.ExitCode);
    }

    [Fact]
    public void Every_family_has_a_fixed_name_and_the_server_label()
    {
        var metrics = new ServerMetrics { Server = "s\"1\\", ReceiveWalUp = true, PostgresUp = false, StreamingLagBytes = 1, SlotRetainedBytes = 2,
            LastArchivedWalTime = 3, LastArchivedWalAgeSeconds = 4, QueueFiles = [new("streaming", 5)], ArchiverErrors = [new("unknown", 6)],
            LastRunSuccess = true, LastRunEndTime = 7, LastRunDurationSeconds = 0.5, LastRunArchivedFiles = 8, LastSuccessTime = 9, ConsecutiveFailures = 0 };
        var text = PrometheusText.Render(MetricNames.Families([metrics]));
        var families = Families(text);
        Assert.Equal(MetricNames.Families([metrics]).Select(f => f.Name), families);
        Assert.All(text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')), l => Assert.StartsWith(l.Split('{')[0] + "{server=\"s\\\"1\\\\\"", l, StringComparison.Ordinal));
        foreach (var name in new[]
        {
            "barman_receive_wal_up", "barman_streaming_lag_bytes", "barman_replication_slot_retained_bytes", "barman_last_archived_wal_age_seconds",
            "barman_archived_wal_files", "barman_archive_size_bytes", "barman_wal_queue_files", "barman_archiver_errors",
            "barman_archive_wal_last_run_success", "barman_archive_wal_last_run_timestamp_seconds", "barman_archive_wal_last_run_duration_seconds",
        })
            Assert.Contains(name, families);
    }

    [Fact]
    public void Grafana_sample_dashboard_uses_only_metrics_barman_exports()
    {
        var path = Repository.Combine("samples", "grafana", "barman-dashboard.json");
        using var dashboard = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var exprs = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        var used = exprs.SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e, "barman_[a-z_]+").Select(m => m.Value)).ToHashSet();
        var exported = MetricNames.Families([]).Select(f => f.Name).ToHashSet();

        Assert.NotEmpty(exprs);
        Assert.Empty(used.Except(exported));
        foreach (var name in new[] { "barman_receive_wal_up", "barman_streaming_lag_bytes", "barman_archive_wal_last_run_success", "barman_wal_queue_files" })
            Assert.Contains(name, used);
    }

    private static ServerConfig Server(CheckHarness h) => ConfigLoader.Load(h.ConfigPath).Servers.Single(s => s.Name == "pg");

    private sealed class NoLauncher : Barman.Core.Cron.IBarmanChildLauncher
    {
        public int Start(string verb, ServerConfig server) => 0;
    }
}
