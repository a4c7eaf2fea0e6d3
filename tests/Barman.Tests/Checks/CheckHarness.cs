using System.Diagnostics;
using Barman.Core.Os;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Checks;

/// <summary>
/// A barman home with one server <c>pg</c> pointed at a real cluster, its configuration file, and
/// the CLI run in-process. Each harness uses its own replication slot name.
/// </summary>
public sealed class CheckHarness : IAsyncDisposable
{
    private static int _counter;
    private readonly PgCluster _cluster;
    private readonly List<Process> _receivers = [];
    private LockFile? _receiveLock;

    public CheckHarness(PgCluster cluster, string? serverLines = null, string? extraSections = null)
    {
        _cluster = cluster;
        Dir = new TempDir("barman-check");
        Slot = $"check_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        Home = Dir.Path;
        WriteConfig(serverLines, extraSections);
    }

    public TempDir Dir { get; }
    public string Home { get; }
    public string Slot { get; }
    public string ConfigPath => Dir.Combine("barman.conf");
    public string ServerDir => Path.Combine(Home, "pg");
    public string Streaming => Path.Combine(ServerDir, "streaming");
    public string Wals => Path.Combine(ServerDir, "wals");
    public string Errors => Path.Combine(ServerDir, "errors");
    public int Port => _cluster.Port;

    /// <summary>(Re)writes barman.conf: server pg (streaming only) plus <paramref name="serverLines"/> and further sections.</summary>
    public void WriteConfig(string? serverLines = null, string? extraSections = null)
    {
        File.WriteAllText(ConfigPath, $"""
            [barman]
            barman_home = {Home}
            barman_user = {Environment.UserName}
            log_file = {Dir.Combine("barman.log")}
            log_level = DEBUG

            [pg]
            description = "check test"
            conninfo = host=127.0.0.1 port={Port} user=postgres dbname=postgres
            streaming_conninfo = host=127.0.0.1 port={Port} user=postgres
            backup_method = postgres
            streaming_archiver = on
            slot_name = {Slot}
            path_prefix = {PgCluster.BinDir}
            {serverLines ?? ""}

            {extraSections ?? ""}
            """);
    }

    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync(["-c", ConfigPath, .. args]);

    public Task CreateSlotAsync() => _cluster.ExecuteAsync($"select pg_create_physical_replication_slot('{Slot}')");

    public async Task DropSlotAsync()
    {
        try
        {
            await _cluster.ExecuteAsync($"select pg_drop_replication_slot('{Slot}')");
        }
        catch (Npgsql.PostgresException)
        {
            // already gone
        }
    }

    /// <summary>
    /// What receive-wal does, without its supervision: this process holds the server's
    /// receive-wal lock and a real pg_receivewal streams through the slot into streaming/.
    /// Returns once pg_receivewal holds the slot.
    /// </summary>
    public async Task StartReceiverAsync(bool holdLock = true)
    {
        Directory.CreateDirectory(Streaming);
        if (holdLock)
            _receiveLock ??= LockFile.TryAcquire(LockFile.PathFor(Home, "pg", LockKind.ReceiveWal));
        var psi = new ProcessStartInfo(Path.Combine(PgCluster.BinDir, "pg_receivewal"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { $"--dbname=host=127.0.0.1 port={Port} user=postgres application_name=barman_receive_wal", "--no-loop", "--no-password", $"--directory={Streaming}", $"--slot={Slot}" })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _receivers.Add(process);
        for (var i = 0; i < 200; i++)
        {
            if (await _cluster.ScalarAsync<bool>($"select coalesce((select active and restart_lsn is not null from pg_replication_slots where slot_name = '{Slot}'), false)"))
                return;
            if (process.HasExited)
                throw new InvalidOperationException($"pg_receivewal exited {process.ExitCode}");
            await Task.Delay(50);
        }
        throw new TimeoutException("pg_receivewal did not take the slot");
    }

    /// <summary>Stops pg_receivewal (SIGINT, as receive-wal --stop) and releases the lock.</summary>
    public async Task StopReceiverAsync()
    {
        foreach (var process in _receivers)
        {
            if (!process.HasExited)
                Posix.Kill(process.Id, Posix.SIGINT);
            await process.ExitWithinAsync();
            process.Dispose();
        }
        _receivers.Clear();
        _receiveLock?.Dispose();
        _receiveLock = null;
        // The walsender releases the slot a moment after the client is gone.
        for (var i = 0; i < 200 && await _cluster.ScalarAsync<bool>($"select coalesce((select active from pg_replication_slots where slot_name = '{Slot}'), false)"); i++)
            await Task.Delay(50);
    }

    /// <summary>Puts fake archived segments (and their xlog.db lines) in wals/.</summary>
    public void Archive(params string[] names)
    {
        Directory.CreateDirectory(Wals);
        using var xlogdb = File.AppendText(Path.Combine(Wals, "xlog.db"));
        foreach (var name in names)
        {
            var dir = name.EndsWith(".history", StringComparison.Ordinal) ? Wals : Path.Combine(Wals, name[..16]);
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, name), new byte[1024]);
            xlogdb.Write($"{name}\t1024\t1700000000.0\tNone\n");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopReceiverAsync();
        await DropSlotAsync();
        Dir.Dispose();
    }
}
