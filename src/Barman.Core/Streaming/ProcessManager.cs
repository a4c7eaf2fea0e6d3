using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Streaming;

/// <summary>A running receive-wal found through its lock file.</summary>
internal sealed record ReceiveWalProcess(string Server, int Pid, string LockPath)
{
    /// <summary>Barman's <c>ProcessInfo</c> display: <c>receive-wal(&lt;pid&gt;)</c>.</summary>
    public override string ToString() => $"receive-wal({Pid})";
}

/// <summary>
/// Barman's <c>ProcessManager</c>, restricted to what it is used for: find the receive-wal of ONE
/// server through the exact lock path <c>.&lt;server&gt;-receive-wal.lock</c> (Barman globs
/// <c>.&lt;server&gt;-*.lock</c> and so mistakes <c>pg-2</c>'s process for <c>pg</c>'s) and stop it with SIGINT.
/// </summary>
internal static class ProcessManager
{
    /// <summary>How long a stop waits for the process to go (Barman: 10 polls of 1 s).</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The receive-wal holding this server's lock, or null. Warns (and returns null) when the PID is unreadable.</summary>
    public static ReceiveWalProcess? FindReceiveWal(ServerConfig server, IOutput? output = null)
    {
        var path = LockFile.PathFor(server.LockDirectory, server.Name, LockKind.ReceiveWal);
        var pid = LockFile.Holder(path);
        if (pid is null)
            return null;
        if (pid <= 0)
        {
            output?.Warning($"Skipping the receive-wal process for server {server.Name}: Error reading the PID from lock file '{path}'");
            return null;
        }
        return new ReceiveWalProcess(server.Name, pid.Value, path);
    }

    /// <summary>
    /// SIGINT to <paramref name="process"/>, then waits up to <see cref="StopTimeout"/> for it to die or
    /// release its lock. True when it is gone.
    /// </summary>
    public static async Task<bool> KillAsync(ReceiveWalProcess process, CancellationToken cancellationToken)
    {
        if (!Posix.Kill(process.Pid, Posix.SIGINT))
            return true;
        var deadline = DateTime.UtcNow + StopTimeout;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, cancellationToken);
            if (!IsRunning(process.Pid) || LockFile.Holder(process.LockPath) != process.Pid)
                return true;
        }
        return !IsRunning(process.Pid);
    }

    /// <summary>
    /// Barman's <c>Server.kill("receive-wal")</c>: stops this server's receive-wal and prints
    /// <c>Stopped process receive-wal(&lt;pid&gt;)</c>, <c>Cannot terminate process …</c> or, when
    /// <paramref name="failIfNotPresent"/>, <c>Termination of receive-wal failed: no such process …</c>.
    /// Returns true when nothing is left running. Cron calls it with failIfNotPresent=false.
    /// </summary>
    public static async Task<bool> StopReceiveWalAsync(ServerConfig server, IOutput output, bool failIfNotPresent, CancellationToken cancellationToken)
    {
        var process = FindReceiveWal(server, output);
        if (process is null)
        {
            if (failIfNotPresent)
                output.Error($"Termination of receive-wal failed: no such process for server {server.Name}");
            return true;
        }
        if (await KillAsync(process, cancellationToken))
        {
            output.Info($"Stopped process {process}");
            return true;
        }
        output.Error($"Cannot terminate process {process}");
        return false;
    }

    /// <summary>Alive and not a zombie (a zombie child of ours has finished: it just was not reaped yet).</summary>
    public static bool IsRunning(int pid)
    {
        if (!Posix.IsAlive(pid))
            return false;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || stat[close + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>PIDs whose parent is <paramref name="parentPid"/> (scan of /proc).</summary>
    public static IReadOnlyList<int> ChildrenOf(int parentPid)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 1 && int.TryParse(fields[1], out var ppid) && ppid == parentPid)
                    result.Add(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return result;
    }
}
