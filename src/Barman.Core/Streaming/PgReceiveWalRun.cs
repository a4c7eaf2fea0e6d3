using Barman.Core.Configuration;
using Barman.Core.Logging;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Streaming;

/// <summary>How one pg_receivewal run ended.</summary>
/// <param name="ExitCode">Its exit code, 128+N when killed by signal N.</param>
/// <param name="Streamed">Whether it said it started streaming.</param>
/// <param name="Signalled">Whether receive-wal was signalled and stopped it.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="LastError">Its last <c>error:</c> line (e.g. <c>pg_receivewal: error: could not connect to server: …</c>), if any.</param>
internal sealed record PgReceiveWalExit(int ExitCode, bool Streamed, bool Signalled, TimeSpan Duration, string? LastError = null)
{
    /// <summary>Barman's message for a failed run.</summary>
    public string FailureMessage => ExitCode > 128
        ? $"pg_receivewal terminated by signal: {ExitCode - 128}"
        : $"pg_receivewal terminated with error code: {ExitCode}";
}

/// <summary>
/// One run of pg_receivewal under receive-wal: every output line forwarded (logger
/// <c>barman.command_wrappers</c>, prefixed with the server name), whether it started streaming, and
/// on a signal the signal forwarded — SIGTERM as SIGTERM, SIGINT and SIGHUP as a graceful SIGINT —
/// with <see cref="StopGrace"/> to exit before it is killed.
/// </summary>
internal sealed class PgReceiveWalRun(ServerConfig server, IOutput output, ISignalSource? signals)
{
    /// <summary>How long a signalled pg_receivewal may take to exit before SIGKILL.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(60);

    /// <summary>What pg_receivewal prints once it streams.</summary>
    private const string StreamingStarted = "starting log streaming at";

    /// <summary>How pg_receivewal marks an error line (<c>pg_receivewal: error: …</c>).</summary>
    private const string ErrorMark = "error: ";

    public async Task<PgReceiveWalExit> RunAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        BarmanLog.For("barman.wal_archiver").Information("Activating WAL archiving through streaming protocol");
        var lines = output.ForLogger("barman.command_wrappers");
        var streamed = false;
        string? lastError = null;
        var prefix = server.Name + ": ";
        PgReceiveWalProcess process;
        try
        {
            process = await PgReceiveWalProcess.StartAsync(argv, string.IsNullOrEmpty(server.PathPrefix) ? null : server.SearchPath, line =>
            {
                if (line.Contains(StreamingStarted, StringComparison.Ordinal) && !Volatile.Read(ref streamed))
                {
                    Volatile.Write(ref streamed, true);
                    ReceiveWalOutcomes.Record(server, null);
                }
                if (line.Contains(ErrorMark, StringComparison.Ordinal))
                    Volatile.Write(ref lastError, line);
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
            return new PgReceiveWalExit(code, Volatile.Read(ref streamed), false, DateTime.UtcNow - started, Volatile.Read(ref lastError));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            process.Signal((signals?.Received ?? 0) == Posix.SIGTERM ? Posix.SIGTERM : Posix.SIGINT);
            var code = await process.WaitAsync(StopGrace);
            return new PgReceiveWalExit(code, Volatile.Read(ref streamed), true, DateTime.UtcNow - started, Volatile.Read(ref lastError));
        }
    }
}
