using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Postgres;
using Npgsql;

namespace Barman.Core.Streaming;

/// <summary>
/// <c>barman receive-wal</c> (spec §6): dispatch of the flags, the start checks in Barman's order,
/// supervision of pg_receivewal (output forwarding, signals) and — ours — a self-healing restart
/// with bounded exponential backoff when the stream drops.
/// </summary>
internal sealed class ReceiveWalCommand
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(60);

    private readonly ServerConfig _server;
    private readonly IOutput _output;
    private readonly Func<int> _signal;

    /// <param name="signal">Which signal cancelled the token (SIGINT/SIGTERM/SIGHUP); 0 counts as SIGINT.</param>
    public ReceiveWalCommand(ServerConfig server, IOutput output, Func<int>? signal = null)
    {
        _server = server;
        _output = output.ForLogger("barman.server");
        _signal = signal ?? (() => SignalListener.Current?.Received ?? 0);
    }

    /// <summary>First and longest pause between two pg_receivewal runs of the self-healing restart.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaximumBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Barman's <c>cli.receive_wal</c> after <c>get_server</c>: <c>--stop</c> &gt; <c>--create-slot</c> &gt;
    /// <c>--drop-slot</c> &gt; stream. Returns an exit code that overrides the output's (143 after
    /// SIGTERM), or null to let the output decide (1 if an error was printed, else 0).
    /// </summary>
    public static async Task<int?> DispatchAsync(ServerConfig server, IOutput output, ReceiveWalOptions options, CancellationToken cancellationToken, Func<int>? signal = null)
    {
        if (options.Stop && options.Reset)
        {
            output.Error("--stop and --reset options are not compatible");
            return null;
        }
        if (options.Stop)
        {
            await ProcessManager.StopReceiveWalAsync(server, output.ForLogger("barman.server"), failIfNotPresent: true, cancellationToken);
            return null;
        }
        if (options.CreateSlot)
        {
            await ReplicationSlotManager.CreateAsync(server, output, options.IfNotExists, cancellationToken);
            return null;
        }
        if (options.DropSlot)
        {
            await ReplicationSlotManager.DropAsync(server, output, cancellationToken);
            return null;
        }
        if (options.Background && !options.Reset)
            return await ReceiveWalBackground.StartAsync(server, output, cancellationToken);
        return await new ReceiveWalCommand(server, output, signal).RunAsync(options.Reset, cancellationToken);
    }

    /// <summary>Barman's <c>Server.receive_wal(reset)</c>.</summary>
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
            Directory.CreateDirectory(_server.LockDirectory);
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
        // The lock is released only here, after pg_receivewal has exited.
        using (held)
        {
            try
            {
                return await SuperviseAsync(reset, cancellationToken);
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
                _output.Error(failure.Display);
                return null;
            }
        }
    }

    private async Task<int?> SuperviseAsync(bool reset, CancellationToken cancellationToken)
    {
        DurableFile.CreateDirectoryDurably(_server.StreamingWalsDirectory);
        var backoff = InitialBackoff;
        var restarting = false;
        while (true)
        {
            IReadOnlyList<string>? argv;
            try
            {
                argv = await PrepareAsync(reset, cancellationToken);
            }
            catch (ArchiverFailure failure) when (restarting && failure.Transient)
            {
                _output.Warning($"{failure.Display} (restarting receive-wal for server {_server.Name} in {backoff.TotalSeconds:0.#} s)");
                await Task.Delay(backoff, cancellationToken);
                backoff = Next(backoff);
                continue;
            }
            if (argv is null)
                return null;

            var run = await RunPgReceiveWalAsync(argv, cancellationToken);
            if (run.Signalled)
                return OnSignal();
            if (run.ExitCode == 0)
                return null;
            var message = run.ExitCode > 128
                ? $"pg_receivewal terminated by signal: {run.ExitCode - 128}"
                : $"pg_receivewal terminated with error code: {run.ExitCode}";
            // A pg_receivewal that never started streaming failed on something a restart won't fix.
            if (!_server.StreamingArchiverRestart || (!run.Streamed && !restarting))
                throw new ArchiverFailure(message);
            if (run.Duration > TimeSpan.FromSeconds(60))
                backoff = InitialBackoff;
            _output.Warning($"{message}: restarting pg_receivewal for server {_server.Name} in {backoff.TotalSeconds:0.#} s");
            await Task.Delay(backoff, cancellationToken);
            backoff = Next(backoff);
            restarting = true;
        }
    }

    private TimeSpan Next(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaximumBackoff.Ticks));

    /// <summary>
    /// Steps 5–9 of spec §6.3: streaming connection, identity, pg_receivewal, slot, then either
    /// <c>--reset</c> (returns null) or the partial truncation and the argv to run.
    /// </summary>
    private async Task<IReadOnlyList<string>?> PrepareAsync(bool reset, CancellationToken cancellationToken)
    {
        var identity = await IdentifyAsync(cancellationToken);
        CheckIdentity(identity);

        var label = PgReceiveWalLocator.CommandLabel(identity.ServerVersion);
        var binary = await PgReceiveWalLocator.FindAsync(_server.SearchPath, cancellationToken)
            ?? throw new ArchiverFailure($"{label} not present in $PATH");
        if (!PgReceiveWalLocator.IsCompatible(identity.ServerVersion, binary.Version))
            throw new ArchiverFailure($"{label} version not compatible with PostgreSQL server version");

        await using var postgres = await OpenPostgresAsync(cancellationToken);
        var synchronous = false;
        long segmentSize = 16L << 20;
        ReplicationSlotStatus? slot = null;
        if (!string.IsNullOrEmpty(_server.SlotName))
        {
            if (identity.ServerVersion.Number < 90400)
                throw new ArchiverFailure($"Physical replication slot not supported by {identity.ServerVersion.Major} (9.4 or higher is required)");
            slot = await Query(() => postgres.PhysicalSlotAsync(_server.SlotName, cancellationToken), cancellationToken);
            if (slot is null)
            {
                if (_server.CreateSlot == CreateSlotMode.Auto && !reset)
                {
                    _output.Info($"Creating replication slot '{_server.SlotName}'");
                    await ReplicationSlotManager.CreateAsync(_server, _output, ifNotExists: false, cancellationToken);
                }
                else if (_server.CreateSlot == CreateSlotMode.Manual)
                {
                    throw new ArchiverFailure($"replication slot '{_server.SlotName}' doesn't exist. Please execute 'barman receive-wal --create-slot {_server.Name}'");
                }
            }
            else if (slot.Active)
            {
                throw new ArchiverFailure($"replication slot '{_server.SlotName}' is already in use", transient: true);
            }
        }
        if (identity.ServerVersion.Number >= 90400 && binary.Version is { Number: >= 90500 })
        {
            var names = await Query(() => postgres.SynchronousStandbyNamesAsync(cancellationToken), cancellationToken);
            synchronous = SynchronousStandbyNames.Includes(names, _server.StreamingArchiverName);
        }
        segmentSize = await Query(() => postgres.WalSegmentSizeAsync(cancellationToken), cancellationToken);

        var directory = new StreamingDirectory(_server, _output);
        if (reset)
        {
            var current = await Query(() => postgres.CurrentWalLsnAsync(cancellationToken), cancellationToken);
            var currentWal = Wal.WalFileName.FromLsn((ulong)current, identity.Timeline, segmentSize);
            var restartWal = slot?.RestartLsn is { } restart ? Wal.WalFileName.FromLsn((ulong)restart, identity.Timeline, segmentSize) : currentWal;
            directory.Reset(currentWal, restartWal);
            return null;
        }
        directory.TruncatePartialIfNeeded(segmentSize);
        try
        {
            return PgReceiveWalCommandLine.Build(binary.Path, _server, synchronous);
        }
        catch (ConninfoException)
        {
            throw new ArchiverFailure($"failed opening the PostgreSQL streaming connection for server {_server.Name}");
        }
    }

    private async Task<StreamingIdentity> IdentifyAsync(CancellationToken cancellationToken)
    {
        var failure = $"failed opening the PostgreSQL streaming connection for server {_server.Name}";
        var conninfo = PgReceiveWalCommandLine.StreamingConninfo(_server);
        if (string.IsNullOrEmpty(conninfo))
            throw new ArchiverFailure(failure);
        StreamingIdentity identity;
        try
        {
            await using var streaming = await StreamingConnection.OpenAsync(conninfo, ConnectTimeout, cancellationToken, _server.StreamingArchiverName);
            identity = await streaming.IdentifyAsync(cancellationToken);
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
        {
            PostgresConnection.LogFailure(e);
            throw new ArchiverFailure(failure, IsTransient(e));
        }
        if (identity.ServerVersion.Number < 90600)
            throw new ArchiverFailure(failure);
        return identity;
    }

    /// <summary>Ours: a different system identifier than the one stored in identity.json is fatal.</summary>
    private void CheckIdentity(StreamingIdentity identity)
    {
        var path = ServerIdentity.PathFor(_server);
        var stored = ServerIdentity.TryRead(path);
        if (stored is null)
        {
            new ServerIdentity(identity.SystemId, identity.ServerVersion.Major).WriteIfMissing(_server);
            return;
        }
        if (stored.SystemId != identity.SystemId)
        {
            throw new ArchiverFailure(
                $"the system identifier of the PostgreSQL server changed: the streaming connection reports {identity.SystemId}, " +
                $"while {stored.SystemId} is stored in \"{path}\". Refusing to mix WAL of two clusters");
        }
    }

    private async Task<PostgresConnection> OpenPostgresAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresConnection.OpenAsync(_server.Conninfo ?? PgReceiveWalCommandLine.StreamingConninfo(_server)!, ConnectTimeout, cancellationToken);
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
        {
            PostgresConnection.LogFailure(e);
            throw new ArchiverFailure($"failed opening the PostgreSQL connection for server {_server.Name}", IsTransient(e));
        }
    }

    private async Task<T> Query<T>(Func<Task<T>> query, CancellationToken cancellationToken)
    {
        try
        {
            return await query();
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
        {
            PostgresConnection.LogFailure(e);
            throw new ArchiverFailure($"failed querying the PostgreSQL server {_server.Name}: {ReplicationSlotManager.Describe(e)}", IsTransient(e));
        }
    }

    private static bool IsConnectionFailure(Exception e, CancellationToken cancellationToken) =>
        e is NpgsqlException or ConninfoException or TimeoutException or InvalidOperationException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>What a self-healing restart may wait out; authentication or configuration problems are not.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("57", StringComparison.Ordinal) || pg.SqlState.StartsWith("53", StringComparison.Ordinal)
                                || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient,
        TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    private sealed record RunResult(int ExitCode, bool Streamed, bool Signalled, TimeSpan Duration);

    private async Task<RunResult> RunPgReceiveWalAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        BarmanLog.For("barman.wal_archiver").Information("Activating WAL archiving through streaming protocol");
        var lines = _output.ForLogger("barman.command_wrappers");
        var streamed = false;
        var prefix = _server.Name + ": ";
        PgReceiveWalProcess process;
        try
        {
            process = await PgReceiveWalProcess.StartAsync(argv, string.IsNullOrEmpty(_server.PathPrefix) ? null : _server.SearchPath, line =>
            {
                if (line.Contains("starting log streaming at", StringComparison.Ordinal))
                    Volatile.Write(ref streamed, true);
                lines.Info(prefix + line);
            });
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            throw new ArchiverFailure($"cannot start {argv[0]}: {e.Message}");
        }
        if (!process.DeathSignalArmed)
            BarmanLog.For("barman.command_wrappers").Warning("setpriv not found: pg_receivewal would survive a crash of receive-wal");
        var started = DateTime.UtcNow;
        try
        {
            var code = await process.Exited.WaitAsync(cancellationToken);
            return new RunResult(code, Volatile.Read(ref streamed), false, DateTime.UtcNow - started);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Forward the signal (SIGHUP becomes a graceful SIGINT) and wait for pg_receivewal to go.
            process.Signal(_signal() == Posix.SIGTERM ? Posix.SIGTERM : Posix.SIGINT);
            var code = await process.WaitAsync(StopGrace);
            return new RunResult(code, Volatile.Read(ref streamed), true, DateTime.UtcNow - started);
        }
    }

    /// <summary>SIGINT → Barman's KeyboardInterrupt message, exit 0; SIGTERM → 143; SIGHUP → 129.</summary>
    private int? OnSignal()
    {
        switch (_signal())
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
