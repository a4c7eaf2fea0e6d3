using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Streaming;

/// <summary>
/// Barman's <c>Server.receive_wal(reset)</c>: one receive-wal per server (its lock, held until
/// pg_receivewal has exited), the supervised stream or the <c>--reset</c> (<see cref="ReceiveWalSupervisor"/>)
/// with its archiving on completion (<see cref="CompletionArchiver"/>),
/// and how it ends: an <see cref="ArchiverFailure"/> is printed as Barman prints it, a signal gives
/// Barman's exit.
/// </summary>
internal sealed class ReceiveWal
{
    private readonly ServerConfig _server;
    private readonly IOutput _output;
    private readonly ISignalSource? _signals;

    /// <param name="server">The server to stream.</param>
    /// <param name="output">Where messages go (logger <c>barman.server</c>).</param>
    /// <param name="signals">Which signal cancels the run's token; null: none is known (a cancellation counts as SIGINT).</param>
    public ReceiveWal(ServerConfig server, IOutput output, ISignalSource? signals)
    {
        _server = server;
        _output = output.ForLogger("barman.server");
        _signals = signals;
    }

    /// <summary>The pauses between two pg_receivewal runs of the self-healing restart.</summary>
    public RestartBackoff Backoff { get; init; } = RestartBackoff.Default;

    /// <summary>Returns an exit code that overrides the output's (after a signal), or null.</summary>
    public async Task<int?> RunAsync(bool reset, CancellationToken cancellationToken)
    {
        if (!_server.StreamingArchiver)
        {
            _output.Error("Unable to start receive-wal process: streaming_archiver option set to 'off' in barman configuration file");
            return null;
        }
        if (!reset)
            _output.Info($"Starting receive-wal for server {_server.Name}");

        var lockPath = LockFile.PathFor(_server.LockDirectory, _server.Name, LockKind.ReceiveWal);
        LockFile? held;
        try
        {
            DurableFile.CreateDirectoryDurably(_server.LockDirectory);
            held = LockFile.TryAcquire(lockPath);
        }
        catch (UnauthorizedAccessException)
        {
            _output.Error($"Permission denied, unable to access '{lockPath}'");
            return null;
        }
        if (held is null)
        {
            if (reset)
                _output.Info($"Unable to reset the status of receive-wal for server {_server.Name}. Process is still running");
            else
                _output.Error($"Another receive-wal process is already running for server {_server.Name}.");
            return null;
        }
        // The lock is released only here, after pg_receivewal has exited (and archiving on completion has stopped).
        using (held)
        await using (reset ? null : CompletionArchiver.StartFor(_server, cancellationToken))
        {
            try
            {
                await new ReceiveWalSupervisor(_server, _output, _signals, Backoff).RunAsync(reset, cancellationToken);
                return null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return OnSignal();
            }
            catch (ArchiverFailure) when (cancellationToken.IsCancellationRequested)
            {
                return OnSignal();
            }
            catch (ArchiverFailure failure)
            {
                ReceiveWalOutcomes.Record(_server, failure.Recorded);
                _output.Error(failure.Display);
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file operation nobody worded (creating a directory on a full disk...): one line, its cause.
                _output.Error(new ArchiverFailure(FileErrors.Describe(e)).Display);
                return null;
            }
        }
    }

    /// <summary>SIGINT → Barman's KeyboardInterrupt message, exit 0; SIGTERM → 143; SIGHUP → 129.</summary>
    private int? OnSignal()
    {
        switch (_signals?.Received ?? 0)
        {
            case Posix.SIGTERM:
                return 128 + Posix.SIGTERM;
            case Posix.SIGHUP:
                BarmanLog.For("barman.server").Information("SIGHUP received: receive-wal for server {Server:l} stopped", _server.Name);
                return 128 + Posix.SIGHUP;
            default:
                _output.Info("SIGINT received. Terminate gracefully.");
                return null;
        }
    }
}
