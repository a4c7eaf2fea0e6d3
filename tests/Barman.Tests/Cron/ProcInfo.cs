using Barman.Tests.Infrastructure;

namespace Barman.Tests.Cron;

/// <summary>What /proc says about a process: argv, session, open descriptors.</summary>
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

    /// <summary>Live processes whose argv contains every one of <paramref name="parts"/>.</summary>
    public static IReadOnlyList<int> Matching(params string[] parts) =>
        [.. TestProcesses.Mentioning(parts[0]).Where(pid =>
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
