using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Durability;

/// <summary>What a file-system call did, as far as durability is concerned.</summary>
internal enum FsCall
{
    /// <summary>open/openat/creat with O_CREAT (the name may have existed).</summary>
    Create,
    /// <summary>write, pwrite, writev, copy_file_range, sendfile... into the file.</summary>
    Write,
    /// <summary>ftruncate/truncate/fallocate.</summary>
    Truncate,
    /// <summary>fsync or fdatasync of the file or directory.</summary>
    Fsync,
    /// <summary>syncfs: everything on the filesystem.</summary>
    SyncFs,
    /// <summary>rename/renameat/renameat2: <see cref="FsEvent.Path"/> becomes <see cref="FsEvent.Target"/>.</summary>
    Rename,
    /// <summary>link/linkat: <see cref="FsEvent.Target"/> is a new name of <see cref="FsEvent.Path"/>.</summary>
    Link,
    Unlink,
    Mkdir,
    Rmdir,
    /// <summary>execve of <see cref="FsEvent.Path"/>; <see cref="FsEvent.Text"/> holds its argv as strace printed it.</summary>
    Exec,
}

/// <summary>One successful system call, in the order strace saw them complete.</summary>
internal sealed record FsEvent(int Index, int Pid, FsCall Call, string Path, string? Target = null, string Text = "")
{
    /// <summary>The name this call made (the new name of a rename or link), else its path.</summary>
    public string Name => Target ?? Path;

    public override string ToString() => $"#{Index} [{Pid}] {Call} {Path}{(Target is null ? "" : " -> " + Target)}{(Text.Length == 0 ? "" : " " + Text)}";
}

/// <summary>
/// The kernel's view of a run: the real executable under <c>strace -f -y</c> (every thread and child,
/// file descriptors printed with their paths), parsed into <see cref="FsEvent"/>s on the paths under
/// one root, plus every execve (hook scripts, pg_receivewal). Only successful calls are printed
/// (<c>-z</c>), each when it completes, so that a call printed before another completed before it
/// started whenever one caused the other. <c>--seccomp-bpf</c> stops the process on the traced calls only.
/// </summary>
internal sealed partial class SyscallTrace
{
    /// <summary>The traced calls (<c>?</c>: unknown on this architecture is fine; close is not needed with <c>-y</c>).</summary>
    public const string Calls =
        "?open,openat,?creat,write,pwrite64,writev,pwritev,pwritev2,copy_file_range,?sendfile,ftruncate,truncate,fallocate," +
        "fsync,fdatasync,syncfs,?rename,renameat,renameat2,?link,linkat,?unlink,unlinkat,?mkdir,mkdirat,?rmdir,execve";

    public SyscallTrace(string root, IReadOnlyList<FsEvent> events)
    {
        Root = root;
        Events = events;
    }

    /// <summary>Events on paths under this directory are kept (and every execve).</summary>
    public string Root { get; }

    public IReadOnlyList<FsEvent> Events { get; }

    /// <summary>strace's options before the traced command, writing the trace to <paramref name="output"/>.</summary>
    public static IReadOnlyList<string> Launcher(string output) =>
        ["strace", "-f", "-y", "-qq", "-z", "--seccomp-bpf", "-e", "signal=none", "-s", "512", "-o", output, "-e", "trace=" + Calls];

    /// <summary>
    /// Runs the real barman with <paramref name="args"/> under strace and returns its trace of the paths
    /// under <paramref name="root"/> (the test's directory) and its result.
    /// </summary>
    public static async Task<(SyscallTrace Trace, CliResult Result)> RunBarmanAsync(string root, IReadOnlyList<string> args, IDictionary<string, string>? environment = null)
    {
        var output = Path.Combine(Path.GetTempPath(), $"barman-strace-{Guid.NewGuid():N}.txt");
        try
        {
            var result = await CliRunner.RunProcessAsync(args, TimeSpan.FromSeconds(120), environment, Launcher(output));
            return (Parse(File.ReadLines(output), root), result);
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>Parses strace output (<c>-f -y</c>, one call per line with its PID first).</summary>
    public static SyscallTrace Parse(IEnumerable<string> lines, string root)
    {
        root = root.TrimEnd('/');
        var events = new List<FsEvent>();
        var pending = new Dictionary<int, string>();
        foreach (var raw in lines)
        {
            var m = PidLine().Match(raw);
            if (!m.Success)
                continue;
            var pid = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var line = m.Groups[2].Value;
            if (line.EndsWith("<unfinished ...>", StringComparison.Ordinal))
            {
                pending[pid] = line[..^"<unfinished ...>".Length];
                continue;
            }
            if (Resumed().Match(line) is { Success: true } resumed)
            {
                if (!pending.Remove(pid, out var start))
                    continue;
                line = start + resumed.Groups[1].Value;
            }
            if (ReturnValue().Match(line) is not { Success: true } ret || ret.Groups[1].Value.StartsWith('-'))
                continue;
            if (Decode(line, pid, events.Count) is { } e && (e.Call == FsCall.Exec || Under(e.Path, root) || (e.Target is not null && Under(e.Target, root))))
                events.Add(e);
        }
        return new SyscallTrace(root, events);
    }

    private static bool Under(string path, string root) => path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    private static FsEvent? Decode(string line, int pid, int index)
    {
        var call = line[..line.IndexOf('(', StringComparison.Ordinal)];
        var args = line[(call.Length + 1)..];
        FsEvent Event(FsCall kind, string path, string? target = null, string text = "") => new(index, pid, kind, path, target, text);
        switch (call)
        {
            case "write" or "pwrite64" or "writev" or "pwritev" or "pwritev2":
            case "ftruncate" or "fallocate" or "fsync" or "fdatasync" or "syncfs":
                var fd = FdPaths(args);
                if (fd.Count == 0)
                    return null;
                var kind = call switch
                {
                    "ftruncate" or "fallocate" => FsCall.Truncate,
                    "fsync" or "fdatasync" => FsCall.Fsync,
                    "syncfs" => FsCall.SyncFs,
                    _ => FsCall.Write,
                };
                return Event(kind, fd[0]);
            case "sendfile":
                return FdPaths(args) is { Count: > 0 } outFd ? Event(FsCall.Write, outFd[0]) : null;
            case "copy_file_range":
                return FdPaths(args) is { Count: > 1 } fds ? Event(FsCall.Write, fds[1]) : null;
            case "open" or "openat" or "creat":
                if (call != "creat" && !args.Contains("O_CREAT", StringComparison.Ordinal))
                    return null;
                return PathArguments(args, call == "openat") is [var created, ..] ? Event(FsCall.Create, created) : null;
            case "truncate":
                return PathArguments(args, false) is [var truncated, ..] ? Event(FsCall.Truncate, truncated) : null;
            case "rename" or "renameat" or "renameat2" or "link" or "linkat":
                var both = PathArguments(args, call.EndsWith("at", StringComparison.Ordinal) || call == "renameat2");
                return both.Count == 2 ? Event(call.StartsWith("link", StringComparison.Ordinal) ? FsCall.Link : FsCall.Rename, both[0], both[1]) : null;
            case "unlink" or "unlinkat" or "rmdir":
                var removed = PathArguments(args, call == "unlinkat");
                if (removed.Count == 0)
                    return null;
                return Event(call == "rmdir" || args.Contains("AT_REMOVEDIR", StringComparison.Ordinal) ? FsCall.Rmdir : FsCall.Unlink, removed[0]);
            case "mkdir" or "mkdirat":
                return PathArguments(args, call == "mkdirat") is [var made, ..] ? Event(FsCall.Mkdir, made) : null;
            case "execve":
                return QuotedString().Match(args) is { Success: true } program ? Event(FsCall.Exec, Unescape(program.Groups[1].Value), text: args) : null;
            default:
                return null;
        }
    }

    /// <summary>The paths strace printed for the file descriptors among the arguments (<c>5&lt;/path&gt;</c>), in order.</summary>
    private static List<string> FdPaths(string args) =>
        [.. FdPath().Matches(args).Select(m => Clean(m.Groups[1].Value))];

    /// <summary>
    /// The path arguments, absolute: for the <c>*at</c> calls each quoted path follows its directory
    /// descriptor (<c>AT_FDCWD&lt;/cwd&gt;</c> or <c>5&lt;/dir&gt;</c>), against which a relative one is resolved.
    /// </summary>
    private static List<string> PathArguments(string args, bool withDirectory)
    {
        var result = new List<string>();
        var pattern = withDirectory ? DirAndPath() : QuotedString();
        foreach (Match m in pattern.Matches(args))
        {
            var path = Unescape(m.Groups[withDirectory ? 2 : 1].Value);
            if (!path.StartsWith('/'))
                path = Path.Combine(withDirectory ? Clean(m.Groups[1].Value) : "/", path);
            result.Add(Path.GetFullPath(path));
        }
        return result;
    }

    private static string Clean(string fdPath) => fdPath.EndsWith(" (deleted)", StringComparison.Ordinal) ? fdPath[..^" (deleted)".Length] : fdPath;

    private static string Unescape(string quoted)
    {
        if (!quoted.Contains('\\', StringComparison.Ordinal))
            return quoted;
        var bytes = new List<byte>();
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] != '\\' || i + 1 == quoted.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(quoted[i].ToString()));
                continue;
            }
            var c = quoted[++i];
            if (c == 'x' && i + 2 < quoted.Length)
            {
                bytes.Add(byte.Parse(quoted.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else if (c is >= '0' and <= '7')
            {
                var end = i;
                while (end < quoted.Length && end < i + 3 && quoted[end] is >= '0' and <= '7')
                    end++;
                bytes.Add(Convert.ToByte(quoted[i..end], 8));
                i = end - 1;
            }
            else
            {
                bytes.Add((byte)(c switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => c }));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    [GeneratedRegex(@"^(\d+)\s+(.*)$")]
    private static partial Regex PidLine();

    [GeneratedRegex(@"^<\.\.\. \w+ resumed>(.*)$")]
    private static partial Regex Resumed();

    [GeneratedRegex(@"\)\s+= (-?\d+)", RegexOptions.RightToLeft)]
    private static partial Regex ReturnValue();

    [GeneratedRegex(@"\b\d+<([^>]*)>")]
    private static partial Regex FdPath();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"(?:AT_FDCWD|\d+)(?:<([^>]*)>)?, ""((?:[^""\\]|\\.)*)""")]
    private static partial Regex DirAndPath();

    /// <summary>The first event after index <paramref name="after"/> that matches.</summary>
    public FsEvent? Next(Func<FsEvent, bool> match, int after = -1) =>
        Events.Skip(after + 1).FirstOrDefault(match);

    /// <summary>The last event before index <paramref name="before"/> that matches.</summary>
    public FsEvent? Last(Func<FsEvent, bool> match, int before = int.MaxValue) =>
        Events.Take(Math.Min(before, Events.Count)).LastOrDefault(match);

    /// <summary>The events strictly between two indexes that match.</summary>
    public IEnumerable<FsEvent> Between(int after, int before, Func<FsEvent, bool> match) =>
        Events.Skip(after + 1).Take(Math.Max(0, Math.Min(before, Events.Count) - after - 1)).Where(match);

    /// <summary>The trace from <paramref name="from"/> to <paramref name="to"/>, one event a line, for failure messages.</summary>
    public string Excerpt(int from, int to)
    {
        var first = Math.Max(0, from);
        var last = Math.Min(Events.Count - 1, to);
        return last < first ? "(no events)" : string.Join("\n", Events.Skip(first).Take(last - first + 1).Select(e => "  " + e));
    }

    public override string ToString() => Excerpt(0, Events.Count - 1);
}
