namespace Barman.Core.Os;

/// <summary>
/// Which signal interrupted this process: SIGINT (2), SIGTERM (15), SIGHUP (1), or 0 when none was
/// received. A verb that reacts to the signal and not only to the cancellation it caused
/// (receive-wal: SIGTERM exits 143) is handed its source explicitly — the executable passes the
/// <see cref="SignalListener"/> it installed.
/// </summary>
internal interface ISignalSource
{
    int Received { get; }
}
