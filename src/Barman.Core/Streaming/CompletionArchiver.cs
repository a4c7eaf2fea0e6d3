using System.Threading.Channels;
using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Wal;
using Serilog;

namespace Barman.Core.Streaming;

/// <summary>
/// Ours (<c>archive_on_completion</c>): while receive-wal streams, each segment pg_receivewal
/// completes is archived at once by an archive-wal pass run in process (<see cref="ArchiveWal.PassAsync"/>:
/// the same lock, batch rules, crash safety, compression, hooks and outcome record as archive-wal).
/// It runs on its own task: streaming never waits for it, and it never stops the stream.
/// <para>
/// Triggers: a name appearing in <c>streaming/</c> (the <c>.partial</c> renamed, the next one created;
/// an inotify watcher) and a periodic rescan should the watcher miss one. Triggers coalesce: one pass
/// at a time, each archiving everything completed by then, so a burst is archived in batches. A busy
/// lock (cron's archive-wal is running) leaves the work to that run, checked again at the next rescan;
/// a failed pass (logged and recorded by the pass) is retried at the next completion, or by cron.
/// </para>
/// </summary>
internal sealed class CompletionArchiver : IAsyncDisposable
{
    /// <summary>How often the directory is listed should the watcher miss an event.</summary>
    public static readonly TimeSpan RescanInterval = TimeSpan.FromSeconds(2);

    /// <summary>Triggers this close together make one pass (a completion renames, then creates the next partial).</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(30);

    /// <summary>Passes start at least this far apart, so that a catch-up burst is archived in batches.</summary>
    private static readonly TimeSpan MinimumGap = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a stop waits for a pass in flight to notice its cancellation.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly ServerConfig _server;
    private readonly IOutput _output;
    private readonly ILogger _log = BarmanLog.For("barman.wal_archiver");
    private readonly CancellationTokenSource _stop;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly FileSystemWatcher? _watcher;
    private readonly Task _loop;

    private CompletionArchiver(ServerConfig server, CancellationToken cancellationToken)
    {
        _server = server;
        // The passes print nowhere (receive-wal's console and exit code are the stream's); errors reach the log and the outcome record.
        _output = new ConsoleOutput(TextWriter.Null, TextWriter.Null, new OutputOptions()).ForLogger("barman.wal_archiver");
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _watcher = Watch(server.StreamingWalsDirectory);
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Starts archiving on completion for <paramref name="server"/>, or returns null when <c>archive_on_completion</c> is off.</summary>
    public static CompletionArchiver? StartFor(ServerConfig server, CancellationToken cancellationToken)
    {
        if (!server.ArchiveOnCompletion)
            return null;
        try
        {
            DurableFile.CreateDirectoryDurably(server.StreamingWalsDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            BarmanLog.For("barman.wal_archiver").Warning("Not archiving on completion for server {Server:l}: {Error:l}", server.Name, FileErrors.Describe(e));
            return null;
        }
        return new CompletionArchiver(server, cancellationToken);
    }

    /// <summary>Passes that ran (lock taken), for the logs of a stop.</summary>
    public int Passes { get; private set; }

    private FileSystemWatcher? Watch(string directory)
    {
        try
        {
            var watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.FileName, IncludeSubdirectories = false };
            watcher.Created += (_, e) => OnName(e.Name);
            watcher.Renamed += (_, e) => OnName(e.Name);
            watcher.Error += (_, _) => Wake();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _log.Warning("Cannot watch {Directory:l} ({Error:l}): completed segments are noticed every {Seconds} s", directory, e.Message, RescanInterval.TotalSeconds);
            return null;
        }
    }

    private void OnName(string? name)
    {
        if (name is not null && !name.StartsWith('.') && !name.EndsWith(".tmp", StringComparison.Ordinal))
            Wake();
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        _log.Information("Archiving WAL files on completion for server {Server:l}", _server.Name);
        string? attempted = null; // the work of the last pass that ran: a rescan does not repeat it
        var woken = true; // the first pass catches up with what completed while receive-wal was not running
        var lastStart = DateTime.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var queue = StreamingQueue.Read(_server.StreamingWalsDirectory);
                if (queue.HasWork && (woken || queue.Signature != attempted))
                {
                    var gap = lastStart + MinimumGap - DateTime.UtcNow;
                    if (gap > TimeSpan.Zero)
                        await Task.Delay(gap, cancellationToken);
                    lastStart = DateTime.UtcNow;
                    var result = await ArchiveWal.PassAsync(_server, _output, verbose: false, cancellationToken);
                    if (result != ArchivePassResult.Busy)
                        Passes++;
                    // After a busy lock the next rescan checks again; after a pass that ran, only new work does
                    // (more than a batch, or a new completion): a failing file is not retried every rescan.
                    attempted = result == ArchivePassResult.Busy ? null : queue.Signature;
                    if (result == ArchivePassResult.Done)
                    {
                        woken = false;
                        continue;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Never stop the stream: the pass recorded its outcome if it ran; cron is the safety net.
                _log.Error(e, "Archiving on completion failed for server {Server:l}", _server.Name);
            }
            woken = await NextTriggerAsync(cancellationToken);
        }
    }

    /// <summary>Waits for a trigger: true for a watcher event, false for the periodic rescan (or a stop).</summary>
    private async Task<bool> NextTriggerAsync(CancellationToken cancellationToken)
    {
        using var rescan = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        rescan.CancelAfter(RescanInterval);
        try
        {
            await _wake.Reader.ReadAsync(rescan.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        try
        {
            await Task.Delay(Settle, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        _wake.Reader.TryRead(out _);
        return true;
    }

    /// <summary>Stops: no new pass, the one in flight cancelled (crash-safe at any point; the next run completes it).</summary>
    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        await _stop.CancelAsync();
        try
        {
            await _loop.WaitAsync(StopGrace);
        }
        catch (TimeoutException)
        {
            // Left to end with the process (the archive-wal lock goes with it).
            _log.Warning("Archiving on completion for server {Server:l} still running at stop: the next archive-wal completes it", _server.Name);
            return;
        }
        _log.Debug("Archiving on completion for server {Server:l} stopped after {Passes} passes", _server.Name, Passes);
        _stop.Dispose();
    }
}
