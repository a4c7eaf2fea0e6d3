using System.Text.RegularExpressions;
using Barman.Core.Os;
using Barman.Tests.Cron;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>switch-wal on every path, status and replication-status with a running receiver, privileges.</summary>
public sealed class SwitchWalAndStatusTests(PgCluster cluster) : IClassFixture<PgCluster>
{
    private async Task EnsureNorepAsync() =>
        await cluster.ExecuteAsync("do $$ begin if not exists (select from pg_roles where rolname = 'norep') then create role norep login; end if; end $$");

    /// <summary>Keeps the server writing WAL so pg_receivewal opens the next .partial (archive-wal keeps the last complete segment otherwise).</summary>
    private Task WriteWalUntil(CancellationToken token) => Task.Run(async () =>
    {
        await cluster.ExecuteAsync("create table if not exists switch_t(g int)", CancellationToken.None);
        while (!token.IsCancellationRequested)
        {
            await cluster.ExecuteAsync("insert into switch_t select generate_series(1, 100)", CancellationToken.None);
            await Task.Delay(100, CancellationToken.None);
        }
    }, CancellationToken.None);

    [Fact]
    public async Task Switch_closes_a_wal_then_needs_no_switch()
    {
        await using var h = new CheckHarness(cluster);
        await cluster.ExecuteAsync("create table if not exists switch_u(g int); insert into switch_u values (1)");
        var closed = await h.RunAsync("switch-wal", "pg");
        Assert.Matches(@"^The WAL file [0-9A-F]{24} has been closed on server 'pg'\n$", closed.Out);
        Assert.Equal(0, closed.ExitCode);
        var again = await h.RunAsync("switch-xlog", "pg");
        Assert.Equal("No switch required for server 'pg'\n", again.Out);
        Assert.Equal(0, again.ExitCode);

        await cluster.ExecuteAsync("insert into switch_u values (2)");
        var forced = await h.RunAsync("switch-wal", "--force", "pg");
        Assert.Matches(@"^The WAL file [0-9A-F]{24} has been closed on server 'pg'\n$", forced.Out);
        Assert.Contains("Force a CHECKPOINT before pg_switch_wal()", File.ReadAllText(h.Dir.Combine("barman.log")));
    }

    [Fact]
    public async Task Switch_with_archive_waits_until_the_closed_wal_is_archived()
    {
        await using var h = new CheckHarness(cluster);
        await h.CreateSlotAsync();
        await h.StartReceiverAsync();
        await cluster.ExecuteAsync("create table if not exists switch_v(g int); insert into switch_v values (1)");
        using var stop = new CancellationTokenSource();
        var writer = WriteWalUntil(stop.Token);
        var result = await h.RunAsync("switch-wal", "--archive", "--archive-timeout", "60", "pg");
        await stop.CancelAsync();
        await writer.Within("the WAL writer");
        var closed = Regex.Match(result.Out, "^The WAL file ([0-9A-F]{24}) has been closed on server 'pg'\n").Groups[1].Value;
        Assert.NotEmpty(closed);
        Assert.StartsWith($"The WAL file {closed} has been closed on server 'pg'\nWaiting for the WAL file {closed} from server 'pg' (max: 60 seconds)\nProcessing xlog segments from streaming for pg\n\t", result.Out);
        Assert.DoesNotContain("no file found", result.Out);
        Assert.True(File.Exists(Path.Combine(h.Wals, closed[..16], closed)));
        Assert.Equal("", result.Err);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Switch_with_archive_archives_a_segment_that_arrived_while_another_archive_wal_held_the_lock()
    {
        // The run holding the lock may have listed streaming/ before the segment arrived: switch-wal must try
        // again rather than wait for the next arrival (it used to, and timed out).
        await using var h = new CheckHarness(cluster);
        await cluster.ExecuteAsync($"select pg_create_physical_replication_slot('{h.Slot}', true)"); // keeps the closed segment in pg_wal
        await cluster.ExecuteAsync("create table if not exists switch_x(g int); insert into switch_x values (1)");
        Directory.CreateDirectory(h.Streaming);
        var holder = LockHolder.Hold(LockFile.PathFor(h.Home, "pg", LockKind.ArchiveWal));
        var released = false;
        try
        {
            using var switchWal = CliRunner.Start(["-c", h.ConfigPath, "switch-wal", "--archive", "--archive-timeout", "30", "pg"]);
            var stderr = switchWal.StandardError.ReadToEndAsync();
            async Task<string> Line() => await switchWal.StandardOutput.ReadLineAsync().Within("a line of switch-wal") ?? "(end of output)";
            const string busy = "Another archive-wal process is already running on server pg. Skipping to the next server";

            var closed = Regex.Match(await Line(), "^The WAL file ([0-9A-F]{24}) has been closed on server 'pg'$").Groups[1].Value;
            Assert.NotEmpty(closed);
            Assert.Equal($"Waiting for the WAL file {closed} from server 'pg' (max: 30 seconds)", await Line());
            Assert.Equal(busy, await Line());
            // pg_receivewal completes the segment (and opens the next one) while the other run holds the lock
            var (log, seg) = (Convert.ToUInt32(closed[8..16], 16), Convert.ToUInt32(closed[16..], 16) + 1);
            var next = closed[..8] + (seg == 0x100 ? $"{log + 1:X8}00000000" : $"{log:X8}{seg:X8}");
            File.Copy(Path.Combine(cluster.DataDirectory, "pg_wal", closed), Path.Combine(h.Streaming, "." + closed));
            File.Move(Path.Combine(h.Streaming, "." + closed), Path.Combine(h.Streaming, closed));
            await File.WriteAllBytesAsync(Path.Combine(h.Streaming, next + ".partial"), new byte[8192]);
            Assert.Equal(busy, await Line()); // a pass saw the segment, and found the lock still busy
            holder.Dispose();
            released = true;

            await switchWal.ExitWithinAsync(TimeSpan.FromSeconds(60));
            Assert.Equal("", await stderr.Within("switch-wal's stderr"));
            Assert.Equal(0, switchWal.ExitCode);
            Assert.True(File.Exists(Path.Combine(h.Wals, closed[..16], closed)));
        }
        finally
        {
            if (!released)
                holder.Dispose();
        }
    }

    [Fact]
    public async Task Switch_with_archive_times_out_when_nothing_arrives()
    {
        await using var h = new CheckHarness(cluster);
        await cluster.ExecuteAsync("create table if not exists switch_w(g int); insert into switch_w values (1)");
        var result = await h.RunAsync("switch-wal", "--archive", "--archive-timeout", "1", "pg");
        var closed = Regex.Match(result.Out, "^The WAL file ([0-9A-F]{24})").Groups[1].Value;
        Assert.Equal($"The WAL file {closed} has been closed on server 'pg'\nWaiting for the WAL file {closed} from server 'pg' (max: 1 seconds)\n", result.Out);
        Assert.Equal($"ERROR: The WAL file {closed} has not been received in 1 seconds\n", result.Err);
        Assert.Equal(1, result.ExitCode);
        // Barman logs "No xlog segments found" every 100 ms while waiting; we archive only when something arrives.
        var log = File.ReadAllText(h.Dir.Combine("barman.log"));
        Assert.True(log.Split("No xlog segments found").Length - 1 <= 2, log);

        var any = await h.RunAsync("switch-wal", "--archive", "--archive-timeout", "1", "pg");
        Assert.Equal("No switch required for server 'pg'\nWaiting for a WAL file from server 'pg' to be archived (max: 1 seconds)\nA WAL file has not been received in 1 seconds\n", any.Out);
        Assert.Equal(0, any.ExitCode);

        var negative = await h.RunAsync("switch-wal", "--archive-timeout", "-3", "pg");
        Assert.Equal(2, negative.ExitCode);
        Assert.Contains("'-3' is not a valid non negative integer", negative.Err);
    }

    [Fact]
    public async Task Switch_fails_cleanly_when_postgres_is_down_or_privileges_are_missing()
    {
        await EnsureNorepAsync();
        await using var h = new CheckHarness(cluster);
        h.WriteConfig($"conninfo = host=127.0.0.1 port={PgCluster.FreePort()} user=postgres dbname=postgres");
        var down = await h.RunAsync("switch-wal", "pg");
        Assert.Equal("ERROR: Unable to perform pg_switch_wal for server 'pg'.\n", down.Err);
        Assert.Equal(1, down.ExitCode);
        var replication = await h.RunAsync("replication-status", "pg");
        Assert.Equal("ERROR: Unable to connect to server pg\n", replication.Err);
        Assert.Equal(1, replication.ExitCode);

        h.WriteConfig($"conninfo = host=127.0.0.1 port={cluster.Port} user=norep dbname=postgres");
        var norep = await h.RunAsync("switch-wal", "pg");
        Assert.Equal("EXCEPTION: Postgres user 'norep' is missing required privileges (see \"Preliminary steps\" in the Barman manual)\nSee log file for more details.\n", norep.Err);
        Assert.Equal(1, norep.ExitCode);
        var force = await h.RunAsync("switch-wal", "--force", "pg");
        Assert.Equal("ERROR: Barman switch-wal requires superuser rights\n", force.Err);
        Assert.Equal(1, force.ExitCode);
        var status = await h.RunAsync("replication-status", "pg");
        Assert.Equal("EXCEPTION: Postgres user 'norep' is missing required privileges (see \"Preliminary steps\" in the Barman manual)\nSee log file for more details.\n", status.Err);
    }

    [Fact]
    public async Task Check_reports_missing_privileges_and_a_refused_streaming_connection()
    {
        await EnsureNorepAsync();
        await using var h = new CheckHarness(cluster);
        h.Archive("000000010000000000000001");
        h.WriteConfig($"conninfo = host=127.0.0.1 port={cluster.Port} user=norep dbname=postgres\nstreaming_conninfo = host=127.0.0.1 port={cluster.Port} user=norep");
        var result = await h.RunAsync("check", "pg");
        Assert.Contains("\tPostgreSQL: OK\n\tno access to backup functions: FAILED (privileges for PostgreSQL backup functions are required (see documentation))\n", result.Out);
        Assert.Contains($"\tPostgreSQL streaming: FAILED (connection to server at \"127.0.0.1\", port {cluster.Port} failed: FATAL:  must be superuser or replication role to start walsender)\n", result.Out);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Status_and_replication_status_with_a_running_receiver()
    {
        await using var h = new CheckHarness(cluster);
        await h.CreateSlotAsync();
        var stopped = await h.RunAsync("status", "pg");
        Assert.Contains("\tLast archived WAL: No WAL segment archived yet\n\tStreaming: receive-wal stopped\n", stopped.Out);

        await h.StartReceiverAsync();
        h.Archive("000000010000000000000001");
        var status = await h.RunAsync("status", "pg");
        var version = await cluster.ScalarAsync<string>("show server_version");
        var dataDirectory = await cluster.ScalarAsync<string>("show data_directory");
        var lines = status.Out.Split('\n');
        Assert.Equal("Server pg:", lines[0]);
        Assert.Equal("\tDescription: check test", lines[1]);
        Assert.Equal("\tActive: True", lines[2]);
        Assert.Equal("\tDisabled: False", lines[3]);
        Assert.Equal($"\tPostgreSQL version: {version!.Split(' ')[0]}", lines[4]);
        Assert.Equal("\tCluster state: in production", lines[5]);
        Assert.Matches(@"^\tCurrent data size: \d+\.\d MiB$", lines[6]);
        Assert.Equal($"\tPostgreSQL Data directory: {dataDirectory}", lines[7]);
        Assert.Matches("^\tCurrent WAL segment: [0-9A-F]{24}$", lines[8]);
        Assert.Matches(@"^\tLast archived WAL: 000000010000000000000001, at \w{3} \w{3} [ 1-3]\d \d\d:\d\d:\d\d 2023$", lines[9]);
        Assert.Matches($@"^\tStreaming: receive-wal running \(pid {Environment.ProcessId}\), lag \d+(\.\d)? [KMG]?i?B$", lines[10]);
        Assert.Equal("\tPassive node: False", lines[11]);
        Assert.Equal(13, lines.Length);
        Assert.Equal(0, status.ExitCode);

        var lsn = await cluster.ScalarAsync<string>("select pg_current_wal_lsn()::text");
        var full = await h.RunAsync("replication-status", "pg");
        var rows = full.Out.Split('\n');
        Assert.Equal("Status of streaming clients for server 'pg':", rows[0]);
        Assert.Matches(@"^  Current LSN on master: [0-9A-F]+/[0-9A-F]+$", rows[1]);
        Assert.Matches(@"^  Number of streaming clients: \d+$", rows[2]);
        var block = full.Out[full.Out.IndexOf("Application name: barman_receive_wal", StringComparison.Ordinal)..];
        Assert.Matches(@"^Application name: barman_receive_wal\n     Sync stage      : \d/3 [^\n]+\n     Communication   : TCP/IP\n     IP Address      : 127\.0\.0\.1 / Port: \d+ / Host: -\n     User name       : postgres\n     Current state   : streaming \(async\)\n" +
            $@"     Replication slot: {h.Slot}\n     WAL sender PID  : \d+\n     Started at      : \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d\n     Sent LSN   : [0-9A-F/]+ \(diff: -?\d+(\.\d)? [KMG]?i?B\)\n     Write LSN  : [0-9A-F/]+ \(diff: -?\d+(\.\d)? [KMG]?i?B\)\n     Flush LSN  : [0-9A-F/]+ \(diff: -?\d+(\.\d)? [KMG]?i?B\)\n", block);
        Assert.Matches(@"\n  \d+\. Async WAL streamer\n     Application name: barman_receive_wal\n", full.Out);
        Assert.NotNull(lsn);

        var minimal = await h.RunAsync("replication-status", "--minimal", "--target", "wal-streamer", "pg");
        Assert.Matches(@"^WAL streamers for master 'pg' \(LSN @ [0-9A-F]+/[0-9A-F]+\):\n(  \d+\. W\) postgres@127\.0\.0\.1 S:[0-9A-F/]+ W:[0-9A-F/]+ P:0 AN:\w+\n)+$", minimal.Out);

        var json = await h.RunAsync("-f", "json", "replication-status", "pg");
        Assert.Matches(@"^\{""pg"": \{""server_lsn"": ""[0-9A-F]+/[0-9A-F]+"", ""streaming_clients"": \[\{", json.Out);
        Assert.Contains("\"application_name\": \"barman_receive_wal\"", json.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("_INFO", json.Out, StringComparison.Ordinal);

        var standbys = await h.RunAsync("replication-status", "--target", "hot-standby", "pg");
        Assert.Matches(@"^Status of hot standby servers for server 'pg':\n  Current LSN on master: [0-9A-F]+/[0-9A-F]+\n  No hot standby servers attached\n$", standbys.Out);
    }

    [Fact]
    public async Task Check_fills_an_empty_archive_before_judging_it()
    {
        await using var h = new CheckHarness(cluster);
        await h.CreateSlotAsync();
        await h.StartReceiverAsync();
        using var stop = new CancellationTokenSource();
        var writer = WriteWalUntil(stop.Token);
        // Several segments reach streaming/ while the check runs its archive pass and WAL switch.
        await cluster.GenerateWalAndSwitchAsync();
        var result = await h.RunAsync("check", "pg");
        await stop.CancelAsync();
        await writer.Within("the WAL writer");
        Assert.DoesNotContain("WAL archive", result.Out);
        Assert.True(new FileInfo(Path.Combine(h.Wals, "xlog.db")).Length > 0);
        Assert.Contains("\twal continuity: OK\n", result.Out);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Status_skips_inactive_servers_and_reports_unknown_ones()
    {
        await using var h = new CheckHarness(cluster, "active = false");
        var result = await h.RunAsync("status", "pg", "nosuch");
        Assert.Equal("Skipping inactive server 'pg'\n", result.Out);
        Assert.Equal("ERROR: Unknown server 'nosuch'\n", result.Err);
        Assert.Equal(1, result.ExitCode);
        var switched = await h.RunAsync("switch-wal", "pg");
        Assert.Equal("Skipping inactive server 'pg'\n", switched.Out);
        Assert.Equal(0, switched.ExitCode);
    }
}
