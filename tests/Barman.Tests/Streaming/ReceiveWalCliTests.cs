using System.Diagnostics;
using Barman.Core.Os;
using Barman.Core.Streaming;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

/// <summary>The real barman executable: configuration file, signals, --stop, --background, parent death.</summary>
public sealed class ReceiveWalCliTests(PgCluster pg) : IClassFixture<PgCluster>
{
    private sealed class Setup : IDisposable
    {
        public Setup(PgCluster pg, string extra = "")
        {
            Home = new TempDir("barman-cli-streaming");
            Config = Home.Write("barman.conf", $"""
                [barman]
                barman_home = {Home.Path}
                barman_user = {Environment.UserName}
                log_file = {Home.Combine("barman.log")}
                log_level = INFO

                [pg]
                description = streaming test
                conninfo = host=127.0.0.1 port={pg.Port} user=postgres dbname=postgres
                streaming_conninfo = host=127.0.0.1 port={pg.Port} user=postgres
                backup_method = postgres
                streaming_archiver = on
                slot_name = cli_pg
                create_slot = auto
                path_prefix = {PgCluster.BinDir}

                [pg-2]
                conninfo = host=127.0.0.1 port={pg.Port} user=postgres dbname=postgres
                backup_method = postgres
                streaming_archiver = on
                slot_name = cli_pg2
                create_slot = auto
                path_prefix = {PgCluster.BinDir}
                {extra}
                """);
        }

        public TempDir Home { get; }
        public string Config { get; }
        public string Log => File.Exists(Home.Combine("barman.log")) ? File.ReadAllText(Home.Combine("barman.log")) : "";

        public string[] Args(params string[] verb) => ["-c", Config, .. verb];

        public void Dispose() => Home.Dispose();
    }

    private static int? PgReceiveWalOf(int barmanPid) =>
        ProcessManager.ChildrenOf(barmanPid).FirstOrDefault(p => StreamingHarness.CommandLine(p).FirstOrDefault()?.EndsWith("pg_receivewal", StringComparison.Ordinal) == true) is var pid and > 0 ? pid : null;

    private static async Task<int> WaitStreaming(Process barman, PgCluster pg, string slot)
    {
        await StreamingHarness.Until(() => PgReceiveWalOf(barman.Id) is not null || barman.HasExited, "pg_receivewal child");
        if (barman.HasExited)
            Assert.Fail("receive-wal exited: " + await barman.StandardError.ReadToEndAsync().Within("receive-wal's stderr"));
        await StreamingHarness.Until(() => pg.ScalarAsync<bool>($"select coalesce(bool_or(active), false) from pg_replication_slots where slot_name = '{slot}'"), "slot active");
        return PgReceiveWalOf(barman.Id)!.Value;
    }

    private async Task DropSlot(string slot) =>
        await pg.ExecuteAsync($"select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '{slot}' and not active");

    [Fact]
    public async Task Stop_from_another_process_stops_only_that_server()
    {
        using var s = new Setup(pg);
        using var barman = CliRunner.Start(s.Args("receive-wal", "pg-2"));
        var stdout = barman.StandardOutput.ReadToEndAsync();
        var child = await WaitStreaming(barman, pg, "cli_pg2");

        var stopOther = await CliRunner.RunProcessAsync(s.Args("receive-wal", "--stop", "pg"));
        Assert.Equal((1, "", "ERROR: Termination of receive-wal failed: no such process for server pg\n"), (stopOther.ExitCode, stopOther.Out, stopOther.Err));
        Assert.False(barman.HasExited);

        var stop = await CliRunner.RunProcessAsync(s.Args("receive-wal", "--stop", "pg-2"));
        Assert.Equal((0, $"Stopped process receive-wal({barman.Id})\n"), (stop.ExitCode, stop.Out));
        await barman.ExitWithinAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(0, barman.ExitCode);
        var text = await stdout.Within("receive-wal's stdout");
        Assert.StartsWith("Starting receive-wal for server pg-2\nCreating replication slot 'cli_pg2'\n", text);
        Assert.EndsWith("SIGINT received. Terminate gracefully.\n", text);
        Assert.False(ProcessManager.IsRunning(child));
        Assert.Contains("barman.command_wrappers INFO: pg-2: pg_receivewal: starting log streaming at", s.Log);

        var again = await CliRunner.RunProcessAsync(s.Args("receive-wal", "--stop", "pg-2"));
        Assert.Equal((1, "ERROR: Termination of receive-wal failed: no such process for server pg-2\n"), (again.ExitCode, again.Err));
        await DropSlot("cli_pg2");
    }

    [Theory]
    [InlineData(Posix.SIGTERM, 143)]
    [InlineData(Posix.SIGHUP, 129)]
    [InlineData(Posix.SIGINT, 0)]
    public async Task Signals_are_forwarded_and_pg_receivewal_is_waited_for(int signal, int exitCode)
    {
        using var s = new Setup(pg);
        using var barman = CliRunner.Start(s.Args("receive-wal", "pg"));
        var stdout = barman.StandardOutput.ReadToEndAsync();
        var child = await WaitStreaming(barman, pg, "cli_pg");
        Posix.Kill(barman.Id, signal);
        await barman.ExitWithinAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(exitCode, barman.ExitCode);
        Assert.False(ProcessManager.IsRunning(child));
        Assert.Equal(signal == Posix.SIGINT, (await stdout.Within("receive-wal's stdout")).EndsWith("SIGINT received. Terminate gracefully.\n", StringComparison.Ordinal));
        Assert.Null(LockFile.Holder(LockFile.PathFor(s.Home.Path, "pg", LockKind.ReceiveWal)));
        await DropSlot("cli_pg");
    }

    [Fact]
    public async Task Pg_receivewal_dies_with_a_killed_receive_wal()
    {
        using var s = new Setup(pg);
        using var barman = CliRunner.Start(s.Args("receive-wal", "pg"));
        var child = await WaitStreaming(barman, pg, "cli_pg");
        Posix.Kill(barman.Id, Posix.SIGKILL);
        await barman.ExitWithinAsync(TimeSpan.FromSeconds(90));
        await StreamingHarness.Until(() => !ProcessManager.IsRunning(child), "pg_receivewal gone after SIGKILL of receive-wal", 20);
        await StreamingHarness.Until(async () => !await pg.ScalarAsync<bool>("select coalesce(bool_or(active), false) from pg_replication_slots where slot_name = 'cli_pg'"), "slot released");
        await DropSlot("cli_pg");
    }

    [Fact]
    public async Task Background_detaches_and_reports_start_errors()
    {
        using var s = new Setup(pg);
        var r = await CliRunner.RunProcessAsync(s.Args("receive-wal", "--background", "pg"));
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^Starting receive-wal for server pg in the background \(pid (\d+)\)\n$", r.Out);
        var pid = int.Parse(System.Text.RegularExpressions.Regex.Match(r.Out, @"pid (\d+)").Groups[1].Value);
        Assert.Equal(pid, LockFile.Holder(LockFile.PathFor(s.Home.Path, "pg", LockKind.ReceiveWal)));
        Assert.Equal(pid, Posix.SessionId(pid));
        Assert.NotNull(PgReceiveWalOf(pid));
        Assert.Equal(["/dev/null", "/dev/null"], new[] { 0, 1 }.Select(fd => new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget));

        var busy = await CliRunner.RunProcessAsync(s.Args("receive-wal", "--background", "pg"));
        Assert.Equal((1, "ERROR: Another receive-wal process is already running for server pg.\n"), (busy.ExitCode, busy.Err));

        var stop = await CliRunner.RunProcessAsync(s.Args("receive-wal", "--stop", "pg"));
        Assert.Equal((0, $"Stopped process receive-wal({pid})\n"), (stop.ExitCode, stop.Out));
        Assert.Contains("barman.server INFO: SIGINT received. Terminate gracefully.", s.Log);
        await DropSlot("cli_pg");

        using var manual = new Setup(pg, "create_slot = manual");
        var failed = await CliRunner.RunProcessAsync(manual.Args("receive-wal", "--background", "pg-2"));
        Assert.Equal((1, "", "ERROR: ArchiverFailure:replication slot 'cli_pg2' doesn't exist. Please execute 'barman receive-wal --create-slot pg-2'\n"), (failed.ExitCode, failed.Out, failed.Err));
    }

    [Fact]
    public async Task Missing_pg_receivewal_and_cli_slot_commands()
    {
        using var s = new Setup(pg);
        var empty = s.Home.Combine("empty-bin");
        Directory.CreateDirectory(empty);
        File.WriteAllText(s.Config, File.ReadAllText(s.Config).Replace($"path_prefix = {PgCluster.BinDir}", "", StringComparison.Ordinal));
        var r = await CliRunner.RunProcessAsync(s.Args("receive-wal", "pg"), environment: new Dictionary<string, string> { ["PATH"] = empty });
        Assert.Equal((1, "Starting receive-wal for server pg\n", "ERROR: ArchiverFailure:pg_receivewal not present in $PATH\n"), (r.ExitCode, r.Out, r.Err));

        var create = await CliRunner.RunAsync(s.Args("receive-wal", "--create-slot", "--if-not-exists", "pg"));
        Assert.Equal((0, "Creating physical replication slot 'cli_pg' on server 'pg'\nReplication slot 'cli_pg' created\n"), (create.ExitCode, create.Out));
        var drop = await CliRunner.RunAsync(s.Args("receive-wal", "--drop-slot", "pg"));
        Assert.Equal((0, "Dropping physical replication slot 'cli_pg' on server 'pg'\nReplication slot 'cli_pg' dropped\n"), (drop.ExitCode, drop.Out));
    }

    [Fact]
    public async Task Inactive_server_is_skipped_but_slot_commands_still_work()
    {
        using var s = new Setup(pg, "active = false");
        var r = await CliRunner.RunAsync(s.Args("receive-wal", "pg-2"));
        Assert.Equal((0, "Skipping inactive server 'pg-2'\n", ""), (r.ExitCode, r.Out, r.Err));
        r = await CliRunner.RunAsync(s.Args("receive-wal", "--drop-slot", "pg-2"));
        Assert.Equal((1, "ERROR: Replication slot 'cli_pg2' does not exist\n"), (r.ExitCode, r.Err));
    }
}
