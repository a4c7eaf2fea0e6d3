using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Streaming;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

/// <summary>One barman_home in a temp dir with a streaming server pointing at a real cluster, and captured output.</summary>
internal sealed class StreamingHarness : IDisposable
{
    private readonly StringWriter _out = new() { NewLine = "\n" };
    private readonly StringWriter _err = new() { NewLine = "\n" };
    private readonly TextWriter _syncOut;
    private readonly TextWriter _syncErr;
    private readonly List<Running> _started = [];

    public StreamingHarness(PgCluster pg, string name, string slot, Func<ServerConfig, ServerConfig>? tweak = null)
    {
        Home = new TempDir("barman-streaming");
        var global = TestConfig.Global(Home.Path);
        var server = TestConfig.Server(name, global) with
        {
            Conninfo = pg.Conninfo,
            StreamingConninfo = $"host={pg.Host} port={pg.Port} user=postgres",
            StreamingArchiver = true,
            SlotName = slot,
            PathPrefix = PgCluster.BinDir,
            // The stream's own tests look at streaming/; archiving on completion has its own (ArchiveOnCompletionTests).
            ArchiveOnCompletion = false,
        };
        Server = tweak is null ? server : tweak(server);
        _syncOut = TextWriter.Synchronized(_out);
        _syncErr = TextWriter.Synchronized(_err);
        Output = new ConsoleOutput(_syncOut, _syncErr, new OutputOptions());
    }

    public TempDir Home { get; }
    public ServerConfig Server { get; set; }
    public IOutput Output { get; private set; }

    public string Out
    {
        get
        {
            lock (_syncOut)
                return _out.ToString();
        }
    }

    public string Err
    {
        get
        {
            lock (_syncErr)
                return _err.ToString();
        }
    }

    /// <summary>Fresh output (the error flag and text start over).</summary>
    public void ResetOutput()
    {
        lock (_syncOut)
            _out.GetStringBuilder().Clear();
        lock (_syncErr)
            _err.GetStringBuilder().Clear();
        Output = new ConsoleOutput(_syncOut, _syncErr, new OutputOptions());
    }

    public int ExitCode(int? forced) => forced ?? Output.Close();

    public string LockPath => LockFile.PathFor(Server.LockDirectory, Server.Name, LockKind.ReceiveWal);

    /// <summary>Starts receive-wal in-process; stop it with <see cref="Running.StopWith"/> and the signal to simulate.</summary>
    public Running Start(bool reset = false)
    {
        var running = new Running();
        var command = new ReceiveWal(Server, Output, running)
        {
            Backoff = new RestartBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2)),
        };
        running.Task = Task.Run(() => command.RunAsync(reset, running.Token));
        _started.Add(running);
        return running;
    }

    /// <summary>
    /// Runs receive-wal in-process to its end, bounded: one that streams on instead fails the test
    /// (it once hung a run for 18 minutes). Returns the forced exit code, as <see cref="ReceiveWal.RunAsync"/>.
    /// </summary>
    public Task<int?> RunAsync(bool reset = false) =>
        Bounded.RunAsync(ct => new ReceiveWal(Server, Output, signals: null).RunAsync(reset, ct), $"receive-wal {(reset ? "--reset " : "")}{Server.Name}", TimeSpan.FromSeconds(90));

    /// <summary>The pg_receivewal child of this test process streaming into this harness' directory.</summary>
    public int? PgReceiveWalPid()
    {
        foreach (var pid in ProcessManager.ChildrenOf(Environment.ProcessId))
        {
            var argv = CommandLine(pid);
            if (argv.Count > 0 && argv[0].EndsWith("pg_receivewal", StringComparison.Ordinal) && argv.Contains("--directory=" + Server.StreamingWalsDirectory))
                return pid;
        }
        return null;
    }

    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Split('\0');
        }
        catch (IOException)
        {
            return [];
        }
    }

    public static async Task Until(Func<bool> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("gave up waiting for: " + what);
            await Task.Delay(50);
        }
    }

    public static async Task Until(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("gave up waiting for: " + what);
            await Task.Delay(50);
        }
    }

    /// <summary>Stops what the test started, even when it failed before stopping it, then removes the home.</summary>
    public void Dispose()
    {
        foreach (var running in _started.Where(r => !r.Task.IsCompleted))
        {
            try
            {
                running.StopWith(Posix.SIGTERM).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException or ArchiverFailure)
            {
                // the home's processes are killed below
            }
        }
        Home.Dispose();
    }

    /// <summary>A receive-wal running in-process, and the signal its cancellation simulates.</summary>
    internal sealed class Running : ISignalSource
    {
        private readonly CancellationTokenSource _cts = new();

        public Task<int?> Task { get; set; } = null!;
        public int Received { get; private set; }
        public CancellationToken Token => _cts.Token;

        public async Task<int?> StopWith(int signal)
        {
            Received = signal;
            await _cts.CancelAsync();
            return await Task.WaitAsync(TimeSpan.FromSeconds(90));
        }
    }
}
