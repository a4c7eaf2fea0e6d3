using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;

namespace Barman.Core.Streaming;

/// <summary>
/// <c>receive-wal --background</c> (ours): starts <c>barman -c &lt;config&gt; -q receive-wal &lt;server&gt;</c>
/// detached exactly as cron does (own session, stdio on /dev/null, log file only) and waits until
/// the child holds its lock and runs pg_receivewal — or reports the child's start error. The child's
/// stderr goes to a temporary file only so that this parent can read that error.
/// </summary>
internal static class ReceiveWalBackground
{
    /// <summary>How long the parent waits for the child to be streaming before declaring it started.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int?> StartAsync(ServerConfig server, IOutput output, CancellationToken cancellationToken)
    {
        output = output.ForLogger("barman.server");
        if (!server.StreamingArchiver)
        {
            output.Error("Unable to start receive-wal process: streaming_archiver option set to 'off' in barman configuration file");
            return null;
        }
        var lockPath = LockFile.PathFor(server.LockDirectory, server.Name, LockKind.ReceiveWal);
        if (LockFile.Holder(lockPath) is not null)
        {
            output.Error($"Another receive-wal process is already running for server {server.Name}.");
            return null;
        }
        var errorFile = Path.Combine(Path.GetTempPath(), $"barman-receive-wal-{server.Name}-{Environment.ProcessId}-{Guid.NewGuid():N}.err");
        try
        {
            var pid = DetachedProcess.SpawnBarman(server.Global.ConfigFile, "receive-wal", server.Name, new DetachedOptions { StderrPath = errorFile });
            var deadline = DateTime.UtcNow + StartTimeout;
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
                if (DetachedProcess.TryReap(pid, out var exitCode))
                {
                    ReportChildFailure(server, output, errorFile, exitCode);
                    return null;
                }
                if (LockFile.Holder(lockPath) == pid && ProcessManager.ChildrenOf(pid).Any(IsStreamingChild))
                    break;
            }
            output.Info($"Starting receive-wal for server {server.Name} in the background (pid {pid})");
            return null;
        }
        finally
        {
            // The child keeps writing to its (now unlinked) stderr; nobody reads it after this point.
            File.Delete(errorFile);
        }
    }

    /// <summary>pg_receivewal itself (or setpriv about to exec it), not a <c>--version</c> probe.</summary>
    private static bool IsStreamingChild(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Any(a => a.StartsWith("--directory=", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void ReportChildFailure(ServerConfig server, IOutput output, string errorFile, int exitCode)
    {
        var lines = File.Exists(errorFile) ? File.ReadAllLines(errorFile) : [];
        var reported = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("ERROR: ", StringComparison.Ordinal))
            {
                output.Error(line["ERROR: ".Length..]);
                reported = true;
            }
            else if (line.StartsWith("EXCEPTION: ", StringComparison.Ordinal))
            {
                output.Error(line["EXCEPTION: ".Length..]);
                reported = true;
            }
        }
        if (!reported)
            output.Error($"receive-wal for server {server.Name} exited with code {exitCode} before starting pg_receivewal");
    }
}
