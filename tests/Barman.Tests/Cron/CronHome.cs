using Barman.Core.Os;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Cron;

/// <summary>
/// A barman_home and an INI config for one streaming server against a cluster, plus the cleanup
/// cron tests need: every process mentioning this home is stopped and the slot dropped.
/// </summary>
internal sealed class CronHome : IAsyncDisposable
{
    private readonly TempDir _dir = new("barman-cron");
    private readonly PgCluster _cluster;

    public CronHome(PgCluster cluster, string server = "pg")
    {
        _cluster = cluster;
        Server = server;
        Slot = "cron_" + Guid.NewGuid().ToString("N")[..10];
        Directory.CreateDirectory(Home);
        WriteConfig();
    }

    public string Server { get; }
    public string Slot { get; }
    public string Root => _dir.Path;
    public string Home => _dir.Combine("home");
    public string ConfigFile => _dir.Combine("barman.conf");
    public string LogFile => _dir.Combine("barman.log");
    public string Streaming => Path.Combine(Home, Server, "streaming");
    public string Wals => Path.Combine(Home, Server, "wals");

    public string LockPath(LockKind kind) => LockFile.PathFor(Home, Server, kind);

    /// <summary>Rewrites the config; <paramref name="serverExtra"/> lines go into the server section, <paramref name="extraSections"/> after it.</summary>
    public void WriteConfig(bool streamingArchiver = true, string serverExtra = "", string extraSections = "")
    {
        File.WriteAllText(ConfigFile, $"""
            [barman]
            barman_home = {Home}
            barman_user = {Environment.UserName}
            log_file = {LogFile}
            log_level = DEBUG

            [{Server}]
            description = cron test
            conninfo = {_cluster.Conninfo}
            backup_method = postgres
            streaming_archiver = {(streamingArchiver ? "on" : "off")}
            archiver = {(streamingArchiver ? "off" : "on")}
            slot_name = {Slot}
            create_slot = auto
            {serverExtra}

            {extraSections}
            """);
    }

    public Task<CliResult> RunAsync(params string[] args) =>
        CliRunner.RunProcessAsync(["-c", ConfigFile, .. args], TimeSpan.FromSeconds(60));

    /// <summary>PID of the receive-wal holding this server's lock, once it runs pg_receivewal.</summary>
    public async Task<int> WaitForReceiveWalAsync(TimeSpan? timeout = null)
    {
        var pid = 0;
        var ok = await ProcInfo.WaitForAsync(() =>
        {
            pid = LockFile.Holder(LockPath(LockKind.ReceiveWal)) ?? 0;
            return pid > 0 && PgReceiveWals().Count == 1;
        }, timeout ?? TimeSpan.FromSeconds(30));
        Assert.True(ok, $"receive-wal did not start; log:\n{Log()}");
        return pid;
    }

    /// <summary>Waits until this server's slot exists and a client streams from it.</summary>
    public async Task<bool> WaitForSlotActiveAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await _cluster.ScalarAsync<bool>($"select coalesce(bool_or(active), false) from pg_replication_slots where slot_name = '{Slot}'"))
                    return true;
            }
            catch (Npgsql.NpgsqlException)
            {
                // the server may be restarting
            }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>The barman receive-wal processes of this config (children of cron, losers of races...).</summary>
    public IReadOnlyList<int> ReceiveWals() => ProcInfo.Matching(ConfigFile, "receive-wal");

    /// <summary>pg_receivewal processes writing into this server's streaming directory.</summary>
    public IReadOnlyList<int> PgReceiveWals() => ProcInfo.Matching("pg_receivewal", "--directory=" + Streaming);

    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    public async ValueTask DisposeAsync()
    {
        await TestProcesses.KillAllMentioningAsync(Root + "/");
        // The walsender may outlive pg_receivewal for a moment: retry until the slot is inactive.
        for (var i = 0; i < 50; i++)
        {
            try
            {
                await _cluster.ExecuteAsync($"select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '{Slot}' and not active");
                var left = await _cluster.ScalarAsync<long>($"select count(*) from pg_replication_slots where slot_name = '{Slot}'");
                if (left == 0)
                    break;
            }
            catch (Npgsql.NpgsqlException)
            {
            }
            await Task.Delay(100);
        }
        _dir.Dispose();
    }
}
