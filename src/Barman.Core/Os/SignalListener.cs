using System.Runtime.InteropServices;

namespace Barman.Core.Os;

/// <summary>
/// Turns SIGINT, SIGTERM and SIGHUP into cancellation, remembering which signal came, so that a
/// verb can react as Barman does (receive-wal: SIGINT → exit 0, SIGTERM → exit 143). The executable
/// installs one and passes it down; nothing reads it from a global.
/// </summary>
internal sealed class SignalListener : ISignalSource, IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _received;

    public CancellationToken Token => _cts.Token;

    /// <summary>The first signal received (SIGINT = 2, SIGTERM = 15, SIGHUP = 1), or 0.</summary>
    public int Received => Volatile.Read(ref _received);

    public static SignalListener Install()
    {
        var listener = new SignalListener();
        listener.Register(PosixSignal.SIGINT, Posix.SIGINT);
        listener.Register(PosixSignal.SIGTERM, Posix.SIGTERM);
        listener.Register(PosixSignal.SIGHUP, Posix.SIGHUP);
        return listener;
    }

    private void Register(PosixSignal signal, int number) =>
        _registrations.Add(PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            Interlocked.CompareExchange(ref _received, number, 0);
            _cts.Cancel();
        }));

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _cts.Dispose();
    }
}
