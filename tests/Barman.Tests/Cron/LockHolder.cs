using Barman.Core.Os;
using Barman.Core.Streaming;

namespace Barman.Tests.Cron;

/// <summary>
/// Another process holding a Barman lock file with its PID written in it, as a running
/// archive-wal/receive-wal would. Spawned with default signal dispositions so SIGINT stops it.
/// </summary>
internal sealed class LockHolder : IDisposable
{
    private const string Script = "exec 9>>\"$1\"; flock -n 9 || exit 3; echo $$ > \"$1\"; exec sleep 600";

    private LockHolder(string path, int pid)
    {
        Path = path;
        Pid = pid;
    }

    public string Path { get; }
    public int Pid { get; }

    public static LockHolder Hold(string path)
    {
        var pid = DetachedProcess.Spawn(["/bin/sh", "-c", Script, "sh", path], new DetachedOptions());
        var holder = new LockHolder(path, pid);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (LockFile.Holder(path) != pid)
        {
            if (DateTime.UtcNow > deadline || (DetachedProcess.TryReap(pid, out _) && !Posix.IsAlive(pid)))
            {
                holder.Dispose();
                throw new InvalidOperationException($"could not hold {path}");
            }
            Thread.Sleep(10);
        }
        return holder;
    }

    public static LockHolder Hold(string lockDirectory, string server, LockKind kind) =>
        Hold(LockFile.PathFor(lockDirectory, server, kind));

    /// <summary>Reaps the holder if it has exited; true when it is gone.</summary>
    public bool HasExited() => DetachedProcess.TryReap(Pid, out _) || !ProcessManager.IsRunning(Pid);

    public void Dispose()
    {
        Posix.Kill(Pid, Posix.SIGKILL);
        for (var i = 0; i < 200 && !DetachedProcess.TryReap(Pid, out _); i++)
            Thread.Sleep(10);
    }
}
