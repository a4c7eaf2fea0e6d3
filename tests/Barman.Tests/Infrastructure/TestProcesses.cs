using System.Diagnostics;
using Barman.Core.Os;
using Barman.Core.Streaming;

namespace Barman.Tests.Infrastructure;

/// <summary>
/// Nothing a test starts outlives it. Every test directory (<see cref="TempDir"/>, a <see cref="PgCluster"/>
/// root) is unique, and whatever a test starts names a path inside it in its argv (<c>-c &lt;home&gt;/barman.conf</c>,
/// pg_receivewal's <c>--directory</c>, postgres' <c>-D</c>), detached or not: disposing the directory
/// stops every process mentioning <c>&lt;directory&gt;/</c>, whether the test passed or failed. A process group would miss
/// the detached ones (receive-wal <c>--background</c>, cron's children run in their own sessions).
/// And if the test host itself dies (a hang killed by <c>--blame-hang-timeout</c>, a crash), a watchdog
/// started with the first directory does the same for every directory of the run.
/// </summary>
internal static class TestProcesses
{
    private static readonly Lock Gate = new();
    private static string? _markers;

    /// <summary>Argv of a process (empty when it is gone).</summary>
    public static IReadOnlyList<string> Cmdline(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Live (non-zombie) processes other than this one whose argv contains <paramref name="text"/>.</summary>
    public static IReadOnlyList<int> Mentioning(string text)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
                continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                if (cmdline.Contains(text, StringComparison.Ordinal) && ProcessManager.IsRunning(pid))
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

    /// <summary>Stops every process mentioning <paramref name="text"/>: SIGINT (a receive-wal stops its pg_receivewal), then SIGKILL.</summary>
    public static async Task KillAllMentioningAsync(string text)
    {
        var found = Mentioning(text);
        if (found.Count == 0)
            return;
        foreach (var pid in found)
            Posix.Kill(pid, Posix.SIGINT);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Mentioning(text).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        foreach (var pid in Mentioning(text))
            Posix.Kill(pid, Posix.SIGKILL);
        deadline = DateTime.UtcNow.AddSeconds(5);
        while (Mentioning(text).Count > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
    }

    /// <inheritdoc cref="KillAllMentioningAsync"/>
    public static void KillAllMentioning(string text)
    {
        if (Mentioning(text).Count > 0)
            Task.Run(() => KillAllMentioningAsync(text)).GetAwaiter().GetResult();
    }

    /// <summary>Registers a test directory with the watchdog of this test host (started on first use).</summary>
    public static void Track(string directory)
    {
        if (!Path.IsPathFullyQualified(directory) || directory.Contains('\n', StringComparison.Ordinal))
            throw new ArgumentException("an absolute path on one line", nameof(directory));
        lock (Gate)
        {
            _markers ??= StartWatchdog();
            File.AppendAllText(_markers, directory.TrimEnd('/') + "/\n");
        }
    }

    /// <summary>
    /// A detached shell (its own session, so that killing the test host's tree spares it) that waits
    /// for this test host to end, then kills every process naming a registered directory: SIGQUIT to
    /// a postmaster (an immediate shutdown that takes its children along), SIGKILL to anything else.
    /// </summary>
    private static string StartWatchdog()
    {
        var markers = Path.Combine(Path.GetTempPath(), $"barman-tests-{Environment.ProcessId}.dirs");
        File.WriteAllText(markers, "");
        var psi = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in (string[])["-f", "/bin/sh", "-c", WatchdogScript, "barman-tests-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), markers])
            psi.ArgumentList.Add(a);
        using var setsid = Process.Start(psi)!;
        setsid.StandardInput.Close();
        setsid.WaitForExit(10_000);
        return markers;
    }

    /// <summary>$1: the test host's PID; $2: the file listing the run's directories, one per line.</summary>
    private const string WatchdogScript = """
        exec </dev/null >/dev/null 2>&1
        while kill -0 "$1"; do sleep 5; done
        for p in /proc/[0-9]*; do
          [ "${p#/proc/}" = "$$" ] && continue
          if tr '\0' ' ' < "$p/cmdline" | grep -qF -f "$2"; then
            if [ "$(cat "$p/comm")" = postgres ]; then kill -QUIT "${p#/proc/}"; else kill -KILL "${p#/proc/}"; fi
          fi
        done
        rm -f "$2"
        """;
}
