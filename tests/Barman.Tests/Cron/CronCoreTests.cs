using Barman.Core.Configuration;
using Barman.Core.Cron;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Cron;

/// <summary>
/// The cron logic in-process with a launcher that records instead of spawning (the real spawning
/// needs the real executable and is covered by <see cref="CronProcessTests"/>).
/// </summary>
public sealed class CronCoreTests : IDisposable
{
    private readonly TempDir _home = new("barman-cron");
    private readonly StringWriter _out = new() { NewLine = "\n" };
    private readonly StringWriter _err = new() { NewLine = "\n" };
    private readonly RecordingLauncher _launcher = new();
    private readonly GlobalConfig _global;

    public CronCoreTests()
    {
        _global = TestConfig.Global(_home.Path);
    }

    public void Dispose()
    {
        _home.Dispose();
        _out.Dispose();
        _err.Dispose();
    }

    private ServerConfig Server(string name, bool streaming = true) =>
        TestConfig.Server(name, _global) with { StreamingArchiver = streaming, SlotName = "barman", BackupMethod = "postgres" };

    private async Task<int> RunAsync(params ServerConfig[] servers)
    {
        var output = new ConsoleOutput(_out, _err, new OutputOptions());
        var config = new BarmanConfig { Global = _global, Servers = servers };
        await CronCommand.RunAsync(config, output, _launcher, Bounded.Token());
        return output.Close();
    }

    [Fact]
    public async Task Starts_archive_wal_then_receive_wal_for_every_server_in_name_order()
    {
        var code = await RunAsync(Server("zeta"), Server("alpha"), Server("mid", streaming: false));
        Assert.Equal(0, code);
        Assert.Equal(
            "Starting WAL archiving for server alpha\nStarting streaming archiver for server alpha\n" +
            "Starting WAL archiving for server mid\n" +
            "Starting WAL archiving for server zeta\nStarting streaming archiver for server zeta\n",
            _out.ToString());
        Assert.Equal("", _err.ToString());
        Assert.Equal(["archive-wal alpha", "receive-wal alpha", "archive-wal mid", "archive-wal zeta", "receive-wal zeta"], _launcher.Started);
    }

    [Fact]
    public async Task Inactive_and_disabled_servers_are_skipped_first_with_barmans_messages()
    {
        var code = await RunAsync(
            Server("b"),
            Server("a") with { Active = false },
            Server("c") with { Messages = ["Streaming-only archiver requires 'streaming_conninfo' and 'slot_name' options to be properly configured"] });
        Assert.Equal(0, code);
        Assert.Equal(
            "Skipping inactive server 'a'\nSkipping temporarily disabled server 'c'\n" +
            "Starting WAL archiving for server b\nStarting streaming archiver for server b\n",
            _out.ToString());
        Assert.Equal(["archive-wal b", "receive-wal b"], _launcher.Started);
        Assert.False(File.Exists(LockFile.PathFor(_home.Path, "a", LockKind.Cron)));
    }

    [Fact]
    public async Task An_unexpected_failure_on_one_server_is_an_exception_line_and_the_next_server_still_runs()
    {
        _launcher.FailOn = "a";
        var code = await RunAsync(Server("b"), Server("a"));
        Assert.Equal(1, code);
        Assert.Equal(
            "EXCEPTION: Unable to run cron on server 'a', please look in the barman log file for more details.\n",
            _err.ToString());
        Assert.Equal("Starting WAL archiving for server a\nStarting WAL archiving for server b\nStarting streaming archiver for server b\n", _out.ToString());
        Assert.Equal(["archive-wal b", "receive-wal b"], _launcher.Started);
        // the cron lock of the failed server was released
        Assert.Null(LockFile.Holder(LockFile.PathFor(_home.Path, "a", LockKind.Cron)));
    }

    [Fact]
    public async Task A_spawn_failure_is_an_error_line_for_that_server_only()
    {
        _launcher.FailWithIoOn = "a";
        var code = await RunAsync(Server("a"), Server("b"));
        Assert.Equal(1, code);
        Assert.Equal("ERROR: cannot start barman: No such file or directory\n", _err.ToString());
        Assert.Equal(["archive-wal b", "receive-wal b"], _launcher.Started);
    }

    [Fact]
    public async Task An_unreadable_lock_is_barmans_permission_denied_error_and_the_next_server_runs()
    {
        var cronLock = LockFile.PathFor(_home.Path, "a", LockKind.Cron);
        Directory.CreateDirectory(cronLock);
        var code = await RunAsync(Server("a"), Server("b"));
        Assert.Equal(1, code);
        Assert.Equal($"ERROR: Permission denied, unable to access '{cronLock}'\n", _err.ToString());
        Assert.Equal("Starting WAL archiving for server b\nStarting streaming archiver for server b\n", _out.ToString());
        Assert.Equal(["archive-wal b", "receive-wal b"], _launcher.Started);
    }

    [Fact]
    public async Task Busy_cron_lock_skips_the_server_without_starting_anything()
    {
        using var holder = LockHolder.Hold(_home.Path, "pg", LockKind.Cron);
        var code = await RunAsync(Server("pg"), Server("pg2"));
        Assert.Equal(0, code);
        Assert.Equal(
            "Another cron process is already running on server pg. Skipping to the next server\n" +
            "Starting WAL archiving for server pg2\nStarting streaming archiver for server pg2\n",
            _out.ToString());
        Assert.Equal(["archive-wal pg2", "receive-wal pg2"], _launcher.Started);
    }

    [Fact]
    public async Task Busy_archive_wal_lock_is_reported_and_receive_wal_still_starts()
    {
        using var holder = LockHolder.Hold(_home.Path, "pg", LockKind.ArchiveWal);
        var code = await RunAsync(Server("pg"));
        Assert.Equal(0, code);
        Assert.Equal(
            "Another archive-wal process is already running on server pg. Skipping to the next server\n" +
            "Starting streaming archiver for server pg\n",
            _out.ToString());
        Assert.Equal(["receive-wal pg"], _launcher.Started);
        Assert.Equal($"{holder.Pid}\n", File.ReadAllText(holder.Path));
    }

    [Fact]
    public async Task Busy_receive_wal_lock_prints_nothing_and_starts_no_second_receiver()
    {
        using var holder = LockHolder.Hold(_home.Path, "pg", LockKind.ReceiveWal);
        var code = await RunAsync(Server("pg"));
        Assert.Equal(0, code);
        Assert.Equal("Starting WAL archiving for server pg\n", _out.ToString());
        Assert.Equal("", _err.ToString());
        Assert.Equal(["archive-wal pg"], _launcher.Started);
        Assert.False(holder.HasExited());
    }

    [Fact]
    public async Task Streaming_archiver_off_stops_a_running_receive_wal()
    {
        using var holder = LockHolder.Hold(_home.Path, "pg", LockKind.ReceiveWal);
        var code = await RunAsync(Server("pg", streaming: false));
        Assert.Equal(0, code);
        Assert.Equal($"Starting WAL archiving for server pg\nStopped process receive-wal({holder.Pid})\n", _out.ToString());
        Assert.Equal(["archive-wal pg"], _launcher.Started);
        Assert.True(holder.HasExited());
    }

    [Fact]
    public async Task Streaming_archiver_off_with_nothing_running_is_silent()
    {
        var code = await RunAsync(Server("pg", streaming: false));
        Assert.Equal(0, code);
        Assert.Equal("Starting WAL archiving for server pg\n", _out.ToString());
        Assert.Equal("", _err.ToString());
    }

    [Fact]
    public async Task Another_servers_lock_is_not_mistaken_for_this_one()
    {
        // Barman's ProcessManager globs .pg-*.lock and would see pg-2's receive-wal as pg's.
        using var holder = LockHolder.Hold(_home.Path, "pg-2", LockKind.ReceiveWal);
        var code = await RunAsync(Server("pg", streaming: false));
        Assert.Equal(0, code);
        Assert.Equal("Starting WAL archiving for server pg\n", _out.ToString());
        Assert.False(holder.HasExited());
    }

    [Fact]
    public async Task A_missing_lock_directory_is_created()
    {
        var global = _global with { LockDirectory = _home.Combine("locks", "deeper") };
        var server = TestConfig.Server("pg", global) with { StreamingArchiver = false };
        var output = new ConsoleOutput(_out, _err, new OutputOptions());
        await CronCommand.RunAsync(new BarmanConfig { Global = global, Servers = [server] }, output, _launcher, Bounded.Token());
        Assert.Equal(0, output.Close());
        Assert.True(File.Exists(Path.Combine(global.LockDirectory, ".pg-cron.lock")));
        Assert.Equal(["archive-wal pg"], _launcher.Started);
    }

    [Fact]
    public async Task The_cron_lock_is_held_while_the_server_runs_and_released_after()
    {
        var cronLock = LockFile.PathFor(_home.Path, "pg", LockKind.Cron);
        _launcher.OnStart = () => Assert.Equal(Environment.ProcessId, LockFile.Holder(cronLock));
        await RunAsync(Server("pg"));
        Assert.Equal(2, _launcher.Started.Count);
        Assert.Null(LockFile.Holder(cronLock));
    }

    private sealed class RecordingLauncher : IBarmanChildLauncher
    {
        public List<string> Started { get; } = [];
        public string? FailOn { get; set; }
        public string? FailWithIoOn { get; set; }
        public Action? OnStart { get; set; }

        public int Start(string verb, ServerConfig server)
        {
            OnStart?.Invoke();
            if (server.Name == FailOn)
                throw new InvalidOperationException("boom");
            if (server.Name == FailWithIoOn)
                throw new IOException("cannot start barman: No such file or directory");
            Started.Add($"{verb} {server.Name}");
            return 0;
        }
    }
}

public sealed class DetachedBarmanLauncherTests
{
    [Fact]
    public void Refuses_to_spawn_from_a_process_that_is_not_barman()
    {
        using var home = new TempDir();
        var global = TestConfig.Global(home.Path);
        var launcher = new DetachedBarmanLauncher(global.ConfigFile, keepDescriptors: false);
        var e = Assert.Throws<InvalidOperationException>(() => launcher.Start("archive-wal", TestConfig.Server("pg", global)));
        Assert.Equal("cannot start archive-wal: this process is not the barman executable", e.Message);
    }
}
