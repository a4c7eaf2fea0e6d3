using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Barman.Tests.Infrastructure;

/// <summary>
/// A real throwaway PostgreSQL 15 cluster on a free loopback port (wal_level=replica, slots and
/// WAL senders enabled). initdb and pg_ctl refuse root, so as root they run as user postgres.
/// Use as an xunit class fixture (<c>IClassFixture&lt;PgCluster&gt;</c>) or create one per test.
/// </summary>
public class PgCluster : IAsyncLifetime
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";
    public const string SuperPassword = "s3cret-pw";

    private readonly bool _scram;

    public PgCluster()
        : this(scram: false)
    {
    }

    protected PgCluster(bool scram) => _scram = scram;

    public string Root { get; private set; } = "";
    public string DataDirectory => Path.Combine(Root, "data");
    public int Port { get; private set; }
    public string Host => "127.0.0.1";
    public bool Scram => _scram;

    /// <summary>libpq conninfo of the superuser (with the password in the scram variant).</summary>
    public string Conninfo => $"host={Host} port={Port} user=postgres dbname=postgres" + (_scram ? $" password={SuperPassword}" : "");

    /// <summary>Npgsql connection string of the superuser.</summary>
    public string ConnectionString => $"Host={Host};Port={Port};Username=postgres;Database=postgres;Pooling=false" + (_scram ? $";Password={SuperPassword}" : "");

    public static bool IsRoot => Environment.IsPrivilegedProcess;

    public async Task InitializeAsync()
    {
        Root = (await RunAsPostgres("mktemp", "-d", "/tmp/barman-pgtest.XXXXXX")).Trim();
        TestProcesses.Track(Root);
        // Let the barman side (root in CI) read files the server writes, e.g. pg_wal for comparisons.
        await RunAsPostgres("chmod", "755", Root);
        Port = FreePort();
        var initdb = new List<string> { Path.Combine(BinDir, "initdb"), "-D", DataDirectory, "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions", "--allow-group-access" };
        if (_scram)
        {
            var pwfile = Path.Combine(Root, "pwfile");
            await RunAsPostgres("sh", "-c", $"printf '%s\\n' '{SuperPassword}' > {pwfile}");
            initdb.AddRange(["--auth=scram-sha-256", $"--pwfile={pwfile}"]);
        }
        else
        {
            initdb.Add("--auth=trust");
        }
        await RunAsPostgres([.. initdb]);
        var method = _scram ? "scram-sha-256" : "trust";
        var conf = $"""

            listen_addresses = '127.0.0.1'
            port = {Port}
            unix_socket_directories = '{Root}'
            wal_level = replica
            max_wal_senders = 10
            max_replication_slots = 10
            wal_sender_timeout = 10s
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            """;
        var hba = $"local all all trust\nhost all all 127.0.0.1/32 {method}\nhost replication all 127.0.0.1/32 {method}\n";
        await RunAsPostgres("sh", "-c", $"cat >> '{DataDirectory}/postgresql.conf' <<'EOF'\n{conf}\nEOF\ncat > '{DataDirectory}/pg_hba.conf' <<'EOF'\n{hba}EOF\n");
        await StartAsync();
    }

    public Task StartAsync() =>
        RunAsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-w", "-t", "60", "start");

    public Task StopAsync(string mode = "fast") =>
        RunAsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", DataDirectory, "-m", mode, "-w", "-t", "60", "stop");

    public Task RestartAsync(string mode = "fast") =>
        RunAsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", DataDirectory, "-l", Path.Combine(Root, "server.log"), "-m", mode, "-w", "-t", "60", "restart");

    /// <summary>Adds settings to postgresql.conf (take effect on reload or restart).</summary>
    public Task AppendConfAsync(string lines) =>
        RunAsPostgres("sh", "-c", $"cat >> '{DataDirectory}/postgresql.conf' <<'EOF'\n{lines}\nEOF\n");

    public async Task DisposeAsync()
    {
        if (string.IsNullOrEmpty(Root))
            return;
        try
        {
            await RunAsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // already stopped, or pg_ctl could not stop it
        }
        // whatever is left: the postmaster (its argv names the data directory), or a receiver a test forgot
        await TestProcesses.KillAllMentioningAsync(Root + "/");
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        var result = await command.ExecuteScalarAsync(ct);
        return result is DBNull or null ? default : (T)result;
    }

    public async Task ExecuteAsync(string sql, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Writes some WAL and switches to a new segment; returns the closed segment's name.</summary>
    public async Task<string> GenerateWalAndSwitchAsync(int rows = 20000, CancellationToken ct = default)
    {
        await ExecuteAsync($"create table if not exists barman_t(g int, s text); insert into barman_t select g, md5(g::text) from generate_series(1,{rows}) g", ct);
        return (await ScalarAsync<string>("select pg_walfile_name(pg_switch_wal())", ct))!;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a command as user postgres when we are root, in a directory postgres can enter.</summary>
    public static async Task<string> RunAsPostgres(params string[] argv)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/tmp",
        };
        if (IsRoot)
        {
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--" })
                psi.ArgumentList.Add(a);
        }
        else
        {
            psi.FileName = argv[0];
            argv = argv[1..];
        }
        foreach (var a in argv)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.ExitWithinAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', argv)} exited {process.ExitCode}: {await stderr}{await stdout}");
        return await stdout;
    }
}

/// <summary>The same cluster with scram-sha-256 authentication (password required).</summary>
public sealed class ScramPgCluster : PgCluster
{
    public ScramPgCluster()
        : base(scram: true)
    {
    }
}
