using System.Diagnostics;
using Barman.Core.Logging;
using Barman.Core.Os;

namespace Barman.Core.Streaming;

/// <summary>
/// One running pg_receivewal: stdin closed, every stdout/stderr line handed to a callback, exit
/// awaited. So that pg_receivewal never outlives receive-wal — even when receive-wal is SIGKILLed or
/// crashes — it is started through util-linux <c>setpriv --pdeathsig INT</c> (which execs it, keeping
/// the PID and the argv), from a dedicated thread that lives until the child exits: the kernel's
/// parent-death signal fires when the thread that forked the child ends.
/// </summary>
internal sealed class PgReceiveWalProcess
{
    private const string SetPriv = "/usr/bin/setpriv";

    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    private PgReceiveWalProcess()
    {
    }

    public int Pid { get; private set; }

    /// <summary>Completes with the exit code (128+N when killed by signal N) once all output was read.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Whether the parent-death signal protects this child (setpriv was found).</summary>
    public bool DeathSignalArmed { get; private set; }

    /// <summary>Starts <paramref name="command"/>; <paramref name="onLine"/> is called, serialised, for each output line.</summary>
    public static async Task<PgReceiveWalProcess> StartAsync(PgReceiveWalCommand command, Action<string> onLine)
    {
        var result = new PgReceiveWalProcess();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        var thread = new Thread(() => result.Run(command, onLine, gate, started))
        {
            IsBackground = true,
            Name = "pg_receivewal supervisor",
        };
        thread.Start();
        await started.Task;
        return result;
    }

    private void Run(PgReceiveWalCommand command, Action<string> onLine, Lock gate, TaskCompletionSource started)
    {
        var argv = command.Argv;
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (File.Exists(SetPriv))
        {
            DeathSignalArmed = true;
            psi.FileName = SetPriv;
            foreach (var a in new[] { "--pdeathsig", "INT", "--" })
                psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(argv[0]);
        }
        else
        {
            psi.FileName = argv[0];
        }
        foreach (var a in argv.Skip(1))
            psi.ArgumentList.Add(a);
        foreach (var (name, value) in command.Environment)
            psi.Environment[name] = value;

        void Handle(object? sender, DataReceivedEventArgs e)
        {
            if (string.IsNullOrEmpty(e.Data))
                return;
            lock (gate)
                onLine(e.Data);
        }

        Process process;
        try
        {
            process = new Process { StartInfo = psi };
            process.OutputDataReceived += Handle;
            process.ErrorDataReceived += Handle;
            process.Start();
        }
        catch (Exception e)
        {
            started.SetException(e);
            _exited.TrySetException(e);
            return;
        }
        _process = process;
        Pid = process.Id;
        BarmanLog.For("barman.command_wrappers").Debug("Command: [{Argv:l}] pid {Pid}", string.Join(", ", argv.Select(a => "'" + a + "'")), Pid);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        started.SetResult();
        // Blocks this thread (and so keeps the parent-death signal from firing) until the child
        // has exited and both pipes reached EOF.
        process.WaitForExit();
        var code = process.ExitCode;
        process.Dispose();
        _exited.TrySetResult(code);
    }

    /// <summary>Sends <paramref name="signal"/> to pg_receivewal (no-op once it exited).</summary>
    public void Signal(int signal)
    {
        if (_process is not null && !_exited.Task.IsCompleted)
            Posix.Kill(Pid, signal);
    }

    /// <summary>Waits for exit; after <paramref name="grace"/> sends SIGKILL and waits again.</summary>
    public async Task<int> WaitAsync(TimeSpan grace)
    {
        var done = await Task.WhenAny(_exited.Task, Task.Delay(grace));
        if (done != _exited.Task)
        {
            BarmanLog.For("barman.command_wrappers").Warning("pg_receivewal (pid {Pid}) did not stop within {Seconds} s: killing it", Pid, grace.TotalSeconds);
            Signal(Posix.SIGKILL);
        }
        return await _exited.Task;
    }
}
