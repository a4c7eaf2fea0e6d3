using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Streaming;

/// <summary>
/// Ours (Barman runs pg_receivewal once): the self-healing restart. Prepares and runs pg_receivewal
/// until it exits 0 or a signal stops it. A failed pg_receivewal is started again after a pause of
/// <see cref="RestartBackoff"/> unless <c>streaming_archiver_restart</c> is off or the very first run
/// never started streaming (it failed on something a restart won't fix). While restarting, a transient preflight failure
/// (server restarting, slot still held by the dying walsender) is waited out the same way.
/// </summary>
internal sealed class ReceiveWalSupervisor(ServerConfig server, IOutput output, ISignalSource? signals, RestartBackoff backoff)
{
    /// <summary>Returns once pg_receivewal exited 0, or <c>--reset</c> is done.</summary>
    /// <exception cref="ArchiverFailure">a failure receive-wal does not restart from.</exception>
    /// <exception cref="OperationCanceledException">a signal stopped receive-wal (and pg_receivewal is gone).</exception>
    public async Task RunAsync(bool reset, CancellationToken cancellationToken)
    {
        DurableFile.CreateDirectoryDurably(server.StreamingWalsDirectory);
        var preflight = new ReceiveWalPreflight(server, output);
        var pause = backoff.Initial;
        var restarting = false;
        while (true)
        {
            ReceiveWalPlan? plan;
            try
            {
                plan = await preflight.PrepareAsync(reset, cancellationToken);
            }
            catch (ArchiverFailure failure) when (restarting && failure.Transient)
            {
                ReceiveWalOutcomes.Record(server, failure.Recorded);
                output.Warning($"{failure.Display} (restarting receive-wal for server {server.Name} in {pause.TotalSeconds:0.#} s)");
                await Task.Delay(pause, cancellationToken);
                pause = backoff.Next(pause);
                continue;
            }
            if (plan is null)
                return;

            var run = await new PgReceiveWalRun(server, output, signals).RunAsync(plan.Argv, cancellationToken);
            if (run.Signalled)
                throw new OperationCanceledException(cancellationToken);
            if (run.ExitCode == 0)
                return;
            if (!MayRestart(server.StreamingArchiverRestart, run.Streamed, restarting))
                throw new ArchiverFailure(run.FailureMessage) { Detail = run.LastError };
            ReceiveWalOutcomes.Record(server, run.LastError is null ? run.FailureMessage : $"{run.FailureMessage} ({run.LastError})");
            pause = backoff.AfterRun(pause, run.Duration);
            output.Warning($"{run.FailureMessage}: restarting pg_receivewal for server {server.Name} in {pause.TotalSeconds:0.#} s");
            await Task.Delay(pause, cancellationToken);
            pause = backoff.Next(pause);
            restarting = true;
        }
    }

    /// <summary>
    /// Whether a failed pg_receivewal is started again: restarts are on, and it streamed or is itself
    /// a restart — a first run that never started streaming failed on something a restart won't fix.
    /// </summary>
    internal static bool MayRestart(bool restartEnabled, bool streamed, bool restarting) =>
        restartEnabled && (streamed || restarting);
}
