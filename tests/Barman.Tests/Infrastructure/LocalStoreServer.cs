using System.Diagnostics;
using System.Net.Sockets;
using Barman.Core.Os;
using Barman.Core.Streaming;

namespace Barman.Tests.Infrastructure;

/// <summary>
/// A local object-storage server from tests/tools/node_modules (s3rver, Azurite) on a free
/// loopback port, with its data in a temp directory. It runs as its own process group under a
/// watchdog shell that kills the group when the test process goes away, so a crashed test run
/// leaves nothing behind; <see cref="StopAsync"/> and dispose kill the group at once.
/// </summary>
public abstract class LocalStoreServer : IAsyncLifetime, IAsyncDisposable
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private Process? _group;

    protected LocalStoreServer() => Root = Directory.CreateTempSubdirectory("barman-store-").FullName;

    public string Root { get; }

    public int Port { get; } = PgCluster.FreePort();

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    public string LogFile => Path.Combine(Root, "server.log");

    public bool IsRunning => _group is { HasExited: false };

    /// <summary>The package's executable under node_modules/.bin.</summary>
    protected abstract string Tool { get; }

    protected abstract IEnumerable<string> Arguments(string dataDirectory);

    /// <summary>Extra environment of the server process.</summary>
    protected virtual IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    public Task InitializeAsync() => StartAsync();

    /// <summary>Starts the server (again, on the same port and data after a stop) and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        var tool = await ToolPathAsync(Tool);
        var data = Path.Combine(Root, "data");
        Directory.CreateDirectory(data);
        const string watchdog = """
            "$@" >> "$LOG" 2>&1 &
            child=$!
            trap 'kill -KILL 0' EXIT
            while kill -0 "$WATCH" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done
            """;
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = Root };
        foreach (var a in new[] { "bash", "-c", watchdog, "bash", tool }.Concat(Arguments(data)))
            psi.ArgumentList.Add(a);
        psi.Environment["WATCH"] = System.Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["LOG"] = LogFile;
        foreach (var (name, value) in Environment)
            psi.Environment[name] = value;
        _group = Process.Start(psi)!;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!await AcceptsAsync())
        {
            if (_group.HasExited || bound.IsCancellationRequested)
                throw new InvalidOperationException($"{Tool} did not start on port {Port}:\n{File.ReadAllText(LogFile)}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Stops the server (SIGTERM, as an operator would: Azurite saves its metadata then), kills
    /// whatever is left of its process group, and waits: connections are refused from then on.
    /// </summary>
    public async Task StopAsync()
    {
        if (_group is not { } group)
            return;
        _group = null;
        foreach (var child in ProcessManager.ChildrenOf(group.Id))
            Posix.Kill(child, 15);
        using (var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await group.WaitForExitAsync(graceful.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (!group.HasExited)
            Posix.Kill(-group.Id, 9);
        await group.ExitWithinAsync(TimeSpan.FromSeconds(30));
        group.Dispose();
        for (var i = 0; i < 100 && await AcceptsAsync(); i++)
            await Task.Delay(50);
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>tests/tools/node_modules/.bin/TOOL, installed from the lock file (<c>npm ci</c>) the first time one is needed.</summary>
    private static async Task<string> ToolPathAsync(string tool)
    {
        var tools = Repository.Combine("tests", "tools");
        var path = Path.Combine(tools, "node_modules", ".bin", tool);
        await InstallGate.WaitAsync();
        try
        {
            if (!File.Exists(path))
            {
                // flock: other test processes (other worktrees' runs share nothing, but parallel runs of one checkout do)
                var psi = new ProcessStartInfo("flock", [Path.Combine(tools, ".npm-ci.lock"), "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"])
                {
                    WorkingDirectory = tools,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                using var npm = Process.Start(psi)!;
                var output = npm.StandardOutput.ReadToEndAsync();
                var errors = npm.StandardError.ReadToEndAsync();
                await npm.ExitWithinAsync(TimeSpan.FromMinutes(4));
                if (npm.ExitCode != 0 || !File.Exists(path))
                    throw new InvalidOperationException($"npm ci in {tools} failed ({npm.ExitCode}); node and npm are needed (.ci/run installs them):\n{await output.Within("npm ci's output")}{await errors.Within("npm ci's errors")}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
        return path;
    }
}

/// <summary>s3rver 3.7.1: path-style S3 with one bucket, <see cref="Bucket"/>; any secret is accepted for access key <c>S3RVER</c>, other access keys are refused.</summary>
public sealed class S3rverServer : LocalStoreServer
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Bucket = "barman";

    protected override string Tool => "s3rver";

    // s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17)
    // only has in its legacy provider: without it every paged listing fails with 500 InternalError.
    protected override IReadOnlyDictionary<string, string> Environment { get; } =
        new Dictionary<string, string> { ["NODE_OPTIONS"] = "--openssl-legacy-provider" };

    protected override IEnumerable<string> Arguments(string dataDirectory) =>
        ["-d", dataDirectory, "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "-s"];
}

/// <summary>Azurite 3.37.0's blob service with the well-known development account.</summary>
public sealed class AzuriteServer : LocalStoreServer
{
    public const string Account = "devstoreaccount1";

    /// <summary>Azurite's published development key (not a secret; the same in every Azurite).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public Uri AccountUrl => new($"http://127.0.0.1:{Port}/{Account}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};BlobEndpoint={AccountUrl};";

    protected override string Tool => "azurite-blob";

    // --skipApiVersionCheck: the SDK speaks a newer service version than this Azurite knows
    protected override IEnumerable<string> Arguments(string dataDirectory) =>
        ["--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", dataDirectory,
         "--skipApiVersionCheck", "--silent"];
}
