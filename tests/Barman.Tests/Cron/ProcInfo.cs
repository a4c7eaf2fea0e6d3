using Barman.Core.Os;
using Barman.Core.Streaming;

namespace Barman.Tests.Cron;

/// <summary>What /proc says about a process: argv, session, open descriptors; and a sweep of leftovers.</summary>
public static class ProcInfo
{
    public static IReadOnlyList<string> Cmdline(int pid) =>
        File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Split('\0');

    /// <summary>Fields after the command name in /proc/&lt;pid&gt;/stat: [0]=state [1]=ppid [2]=pgrp [3]=session.</summary>
    private static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    public static int SessionId(int pid) => int.Parse(StatFields(pid)[3]);

    public static int ProcessGroup(int pid) => int.Parse(StatFields(pid)[2]);

    public static int ParentPid(int pid) => int.Parse(StatFields(pid)[1]);

    public static string? FdTarget(int pid, int fd) =>
        new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget;

    /// <summary>Live (non-zombie) processes whose argv contains <paramref name="text"/>.</summary>
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

    /// <summary>Live processes whose argv contains every one of <paramref name="parts"/>.</summary>
    public static IReadOnlyList<int> Matching(params string[] parts) =>
        [.. Mentioning(parts[0]).Where(pid =>
        {
            try
            {
                var argv = Cmdline(pid);
                return parts.All(p => argv.Any(a => a.Contains(p, StringComparison.Ordinal)));
            }
            catch (IOException)
            {
                return false;
            }
        })];

    /// <summary>Stops every process mentioning <paramref name="text"/>: SIGINT, then SIGKILL after a grace period.</summary>
    public static async Task KillAllMentioningAsync(string text)
    {
        foreach (var pid in Mentioning(text))
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

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(50);
        }
        return true;
    }
}
