using System.Globalization;
using Barman.Core.Wal;
using Barman.Core.Wal.Format;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Wal.Format;

[CollectionDefinition(Name)]
public sealed class WalTimelineCollection : ICollectionFixture<WalTimelineFixture>
{
    public const string Name = "WAL of two timelines";
}

/// <summary>
/// Real WAL of two timelines, streamed by this project's own <c>receive-wal</c> (supervising the real
/// pg_receivewal) from a hot standby that is then promoted, and archived by its own <c>archive-wal</c>
/// (archive-time validation included: every file must be accepted): timeline 1 (records across pages and segments, full-page images, XLOG_SWITCHes, a 20 MB record spanning
/// more than a segment), its <c>.partial</c>, <c>00000002.history</c>, the first segment of timeline 2 holding
/// pages of timeline 1, more timeline 2 segments and its <c>.partial</c> (still in <c>streaming/</c>, the newest partial stays there).
/// Built once for the collection; the archive's files are then gathered flat in <see cref="Captured"/>.
/// </summary>
public sealed class WalTimelineFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new("barman-walformat");
    private string _standbyRoot = "";

    public PgCluster Primary { get; } = new();

    /// <summary>What receive-wal and archive-wal made, gathered flat (read-only for the tests: copy before changing anything).</summary>
    public string Captured => _dir.Combine("captured");

    public ulong SystemIdentifier { get; private set; }

    /// <summary>Every file captured, by name.</summary>
    public IReadOnlyList<string> Files { get; private set; } = [];

    public IReadOnlyList<string> Timeline1Segments => [.. Files.Where(f => f.Length == 24 && f.StartsWith("00000001", StringComparison.Ordinal))];

    public IReadOnlyList<string> Timeline2Segments => [.. Files.Where(f => f.Length == 24 && f.StartsWith("00000002", StringComparison.Ordinal))];

    public string Timeline1Partial => Files.Single(f => f.StartsWith("00000001", StringComparison.Ordinal) && f.EndsWith(".partial", StringComparison.Ordinal));

    public string Timeline2Partial => Files.Single(f => f.StartsWith("00000002", StringComparison.Ordinal) && f.EndsWith(".partial", StringComparison.Ordinal));

    public string Path(string name) => System.IO.Path.Combine(Captured, name);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Captured);
        await Primary.InitializeAsync();
        await Primary.ExecuteAsync("alter system set full_page_writes = on");
        await Primary.ExecuteAsync("select pg_reload_conf()");
        SystemIdentifier = (ulong)(await Primary.ScalarAsync<long>("select system_identifier from pg_control_system()"));

        var standby = await StartStandbyAsync();
        await ExecuteAsync(standby, "select pg_create_physical_replication_slot('verify', true)");
        var config = await WriteBarmanConfigAsync(standby);
        await BarmanAsync(config, "receive-wal", "--background", "pg");
        try
        {
            await GenerateTimeline1Async();
            var end = await Primary.ScalarAsync<string>("select pg_current_wal_flush_lsn()::text");
            await WaitForAsync(standby, $"select pg_last_wal_replay_lsn() >= '{end}'");
            await WaitForReceiverAsync(standby, $"'{end}'::pg_lsn");

            await PgCluster.RunAsPostgres(System.IO.Path.Combine(PgCluster.BinDir, "pg_ctl"), "-D", StandbyData, "-w", "-t", "60", "promote");
            await Primary.StopAsync("immediate");
            await GenerateTimeline2Async(standby);
            await WaitForReceiverAsync(standby, "pg_current_wal_flush_lsn()");
        }
        finally
        {
            await BarmanAsync(config, "receive-wal", "--stop", "pg");
        }
        await BarmanAsync(config, "archive-wal", "pg");
        GatherArchive();
        Files = [.. Directory.GetFiles(Captured).Select(f => System.IO.Path.GetFileName(f)).Order(StringComparer.Ordinal)];
        if (Timeline1Segments.Count < 4 || Timeline2Segments.Count < 2 || !Files.Contains("00000002.history"))
            throw new InvalidOperationException($"unexpected capture: {string.Join(", ", Files)}\n--- barman.log\n{BarmanLog()}");
    }

    public async Task DisposeAsync()
    {
        if (_standbyRoot.Length > 0)
        {
            try
            {
                await PgCluster.RunAsPostgres(System.IO.Path.Combine(PgCluster.BinDir, "pg_ctl"), "-D", StandbyData, "-m", "immediate", "-w", "stop");
            }
            catch (InvalidOperationException)
            {
            }
            Directory.Delete(_standbyRoot, recursive: true);
        }
        await Primary.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>Copies captured files into <paramref name="directory"/>, optionally under other names.</summary>
    public void CopyTo(string directory, IEnumerable<string> names, Func<string, string>? rename = null)
    {
        Directory.CreateDirectory(directory);
        foreach (var name in names)
            File.Copy(Path(name), System.IO.Path.Combine(directory, rename?.Invoke(name) ?? name), overwrite: true);
    }

    private string StandbyData => System.IO.Path.Combine(_standbyRoot, "data");

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private async Task<int> StartStandbyAsync()
    {
        _standbyRoot = (await PgCluster.RunAsPostgres("mktemp", "-d", "/tmp/barman-walstandby.XXXXXX")).Trim();
        var port = PgCluster.FreePort();
        await PgCluster.RunAsPostgres(System.IO.Path.Combine(PgCluster.BinDir, "pg_basebackup"), "-D", StandbyData, "-R", "-X", "stream", "-c", "fast",
            "-C", "-S", "standby", "-h", Primary.Host, "-p", Port(Primary.Port), "-U", "postgres");
        await PgCluster.RunAsPostgres("sh", "-c", $"cat >> '{StandbyData}/postgresql.conf' <<'EOF'\nport = {port}\nunix_socket_directories = '{_standbyRoot}'\nEOF\n");
        await PgCluster.RunAsPostgres(System.IO.Path.Combine(PgCluster.BinDir, "pg_ctl"), "-D", StandbyData, "-l", System.IO.Path.Combine(_standbyRoot, "log"), "-w", "-t", "60", "start");
        return port;
    }

    private string BarmanHome => System.IO.Path.Combine(_standbyRoot, "barman");

    private string BarmanLog() => File.Exists(System.IO.Path.Combine(BarmanHome, "barman.log"))
        ? string.Join('\n', File.ReadLines(System.IO.Path.Combine(BarmanHome, "barman.log")).TakeLast(40))
        : "(none)";

    /// <summary>A server streaming from the standby through its slot; archive-wal is run once, at the end.</summary>
    private async Task<string> WriteBarmanConfigAsync(int port)
    {
        await PgCluster.RunAsPostgres("mkdir", "-m", "700", BarmanHome);
        var config = System.IO.Path.Combine(_standbyRoot, "barman.conf");
        await File.WriteAllTextAsync(config, $"""
            [barman]
            barman_home = {BarmanHome}
            barman_user = postgres
            log_file = {BarmanHome}/barman.log
            log_level = DEBUG
            archive_on_completion = off

            [pg]
            conninfo = host={Primary.Host} port={Port(port)} user=postgres dbname=postgres
            streaming_conninfo = host={Primary.Host} port={Port(port)} user=postgres
            backup_method = postgres
            streaming_archiver = on
            slot_name = verify
            path_prefix = {PgCluster.BinDir}

            """);
        File.SetUnixFileMode(config, (UnixFileMode)0x1A4);
        return config;
    }

    private async Task BarmanAsync(string config, params string[] args)
    {
        var result = await CliRunner.RunProcessAsync(["-c", config, .. args]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"barman {string.Join(' ', args)}: {result}\n--- barman.log\n{BarmanLog()}");
    }

    /// <summary>The archive (wals/, hash directories and history files) and the partial left in streaming/, flat in <see cref="Captured"/>.</summary>
    private void GatherArchive()
    {
        var wals = System.IO.Path.Combine(BarmanHome, "pg", "wals");
        var files = Directory.EnumerateFiles(wals, "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(System.IO.Path.Combine(BarmanHome, "pg", "streaming"), "*.partial"))
            .Where(path => WalFileName.IsAnyXlogFile(System.IO.Path.GetFileName(path)));
        foreach (var path in files)
            File.Copy(path, System.IO.Path.Combine(Captured, System.IO.Path.GetFileName(path)));
    }

    /// <summary>Timeline 1: small and large records, full-page images, records across segments, two switches.</summary>
    private async Task GenerateTimeline1Async()
    {
        await Primary.ExecuteAsync("create table t(g int, s text)");
        await Primary.ExecuteAsync("insert into t select g, md5(g::text) from generate_series(1, 30000) g");
        await Primary.ExecuteAsync("checkpoint");
        await Primary.ExecuteAsync("update t set s = s || 'x' where g % 7 = 0");
        await Primary.ExecuteAsync("select pg_logical_emit_message(true, 'barman', repeat('a', 5000))");
        await Primary.ExecuteAsync("select pg_logical_emit_message(false, 'barman', repeat('b', 200000))");
        await Primary.ExecuteAsync("select pg_switch_wal()");
        await Primary.ExecuteAsync("insert into t select g, md5(g::text) from generate_series(1, 150000) g");
        await Primary.ExecuteAsync("select pg_logical_emit_message(true, 'barman', repeat('c', 20 * 1024 * 1024))");
        await Primary.ExecuteAsync("insert into t select g, md5(g::text) from generate_series(1, 30000) g");
        await Primary.ExecuteAsync("select pg_switch_wal()");
        await Primary.ExecuteAsync("insert into t select g, md5(g::text) from generate_series(1, 100000) g");
    }

    /// <summary>Timeline 2 on the promoted standby: a switch, records across a segment, an open segment.</summary>
    private static async Task GenerateTimeline2Async(int port)
    {
        await WaitAsync(port, "select not pg_is_in_recovery()");
        await ExecuteAsync(port, "insert into t select g, md5(g::text) from generate_series(1, 30000) g");
        await ExecuteAsync(port, "select pg_switch_wal()");
        await ExecuteAsync(port, "insert into t select g, md5(g::text) from generate_series(1, 200000) g");
        await ExecuteAsync(port, "insert into t select g, md5(g::text) from generate_series(1, 100) g");
    }

    /// <summary>pg_receivewal (receive-wal's child, on the standby) has written up to <paramref name="lsn"/>.</summary>
    private async Task WaitForReceiverAsync(int port, string lsn) =>
        await WaitForAsync(port, $"select coalesce(bool_or(write_lsn >= {lsn}), false) from pg_stat_replication where application_name = 'barman_receive_wal'");

    private async Task WaitForAsync(int port, string sql)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await ScalarAsync<bool>(port, sql))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited 90 s for: {sql}\n--- barman.log\n{BarmanLog()}");
            await Task.Delay(20);
        }
    }

    private static async Task WaitAsync(int port, string sql)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await ScalarAsync<bool>(port, sql))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited 60 s for: {sql}");
            await Task.Delay(20);
        }
    }

    private static string ConnectionString(int port) => $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";

    private static async Task ExecuteAsync(int port, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString(port));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(int port, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString(port));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The header of a captured file's first page.</summary>
    internal WalPageHeader FirstPageHeader(string name)
    {
        var bytes = new byte[XLog.LongPageHeaderSize];
        using var file = File.OpenRead(Path(name));
        file.ReadExactly(bytes);
        return WalPageHeader.Read(bytes);
    }

    /// <summary>The segment file holding <paramref name="lsn"/> on <paramref name="timeline"/>.</summary>
    public static string SegmentOf(ulong lsn, uint timeline) => Lsn.SegmentFileNameContaining(lsn, timeline, Lsn.DefaultSegmentSize);
}
