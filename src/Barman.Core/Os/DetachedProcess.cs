using System.Collections;
using System.Runtime.InteropServices;

namespace Barman.Core.Os;

/// <summary>How a detached child is started.</summary>
internal sealed record DetachedOptions
{
    /// <summary>Inherit our stdout/stderr (cron <c>--keep-descriptors</c>) instead of /dev/null.</summary>
    public bool KeepDescriptors { get; init; }
    /// <summary>When set, the child's stderr goes to this file (created 0600) instead of /dev/null.</summary>
    public string? StderrPath { get; init; }
    /// <summary>Extra environment variables for the child.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}

/// <summary>
/// Starts a process in its own session (setsid), stdin on /dev/null and stdout/stderr on /dev/null
/// unless told otherwise, every signal back to its default disposition and an empty signal mask, not
/// waited for (Barman's <c>BarmanSubProcess</c>). Uses posix_spawn so no managed code runs in the child.
/// </summary>
internal static unsafe partial class DetachedProcess
{
    private const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
    private const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_APPEND = 0x400;
    private const int WNOHANG = 1;
    // glibc: posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128; be generous.
    private const int OpaqueSize = 1024;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int posix_spawn_file_actions_addopen(void* actions, int fd, string path, int oflag, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_spawnattr_init(void* attr);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sigfillset(void* set);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sigemptyset(void* set);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int posix_spawn(int* pid, string path, void* actions, void* attr, IntPtr* argv, IntPtr* envp);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, int* status, int options);

    /// <summary>
    /// The argv that re-runs this very barman (<c>Environment.ProcessPath</c>, plus the entry
    /// assembly when running under <c>dotnet</c>) with <c>-c &lt;config&gt; -q &lt;verb&gt; &lt;server&gt;</c>.
    /// </summary>
    public static IReadOnlyList<string> BarmanArgv(string configFile, string verb, string server)
    {
        var exe = System.Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the barman executable");
        var argv = new List<string> { exe };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
            argv.Add(System.Environment.GetCommandLineArgs()[0]);
        argv.AddRange(["-c", configFile, "-q", verb, server]);
        return argv;
    }

    /// <summary>Spawns <c>barman -c &lt;config&gt; -q &lt;verb&gt; &lt;server&gt;</c> detached; returns its PID.</summary>
    public static int SpawnBarman(string configFile, string verb, string server, DetachedOptions? options = null) =>
        Spawn(BarmanArgv(configFile, verb, server), options ?? new DetachedOptions());

    /// <summary>Spawns <paramref name="argv"/> (argv[0] is the executable path) detached; returns its PID.</summary>
    /// <exception cref="IOException">posix_spawn failed.</exception>
    public static int Spawn(IReadOnlyList<string> argv, DetachedOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        var actions = NativeMemory.AllocZeroed(OpaqueSize);
        var attr = NativeMemory.AllocZeroed(OpaqueSize);
        var sigset = NativeMemory.AllocZeroed(OpaqueSize);
        var strings = new List<IntPtr>();
        try
        {
            Check(posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            Check(posix_spawnattr_init(attr), "posix_spawnattr_init");
            Check(posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0), "addopen stdin");
            if (!options.KeepDescriptors)
            {
                Check(posix_spawn_file_actions_addopen(actions, 1, "/dev/null", O_WRONLY, 0), "addopen stdout");
                var stderr = options.StderrPath ?? "/dev/null";
                Check(posix_spawn_file_actions_addopen(actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0x180), "addopen stderr");
            }
            Check(posix_spawnattr_setflags(attr, (short)(POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)), "setflags");
            // Every signal back to default: a parent started from a non-interactive shell ignores SIGINT,
            // and a child that inherited that could never be stopped with receive-wal --stop.
            sigfillset(sigset);
            Check(posix_spawnattr_setsigdefault(attr, sigset), "setsigdefault");
            sigemptyset(sigset);
            Check(posix_spawnattr_setsigmask(attr, sigset), "setsigmask");

            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
                env[(string)e.Key] = (string?)e.Value ?? "";
            if (options.Environment is not null)
            {
                foreach (var (k, v) in options.Environment)
                    env[k] = v;
            }

            var argvPtrs = new IntPtr[argv.Count + 1];
            for (var i = 0; i < argv.Count; i++)
                strings.Add(argvPtrs[i] = Marshal.StringToCoTaskMemUTF8(argv[i]));
            var envPtrs = new IntPtr[env.Count + 1];
            var j = 0;
            foreach (var (k, v) in env)
                strings.Add(envPtrs[j++] = Marshal.StringToCoTaskMemUTF8(k + "=" + v));

            int pid;
            fixed (IntPtr* a = argvPtrs)
            fixed (IntPtr* e = envPtrs)
            {
                var rc = posix_spawn(&pid, argv[0], actions, attr, a, e);
                if (rc != 0)
                    throw new IOException($"cannot start {argv[0]}: {Marshal.GetPInvokeErrorMessage(rc)}", rc);
            }
            return pid;
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            foreach (var s in strings)
                Marshal.FreeCoTaskMem(s);
        }
    }

    /// <summary>
    /// Reaps <paramref name="pid"/> if it has exited (waitpid WNOHANG): true with its exit code
    /// (128+signal when killed). Only for children spawned here and still waited for.
    /// </summary>
    public static bool TryReap(int pid, out int exitCode)
    {
        int status;
        var rc = waitpid(pid, &status, WNOHANG);
        if (rc == pid)
        {
            var signal = status & 0x7f;
            exitCode = signal == 0 ? (status >> 8) & 0xff : 128 + signal;
            return true;
        }
        exitCode = 0;
        return rc < 0; // ECHILD: not ours or already reaped
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
            throw new IOException($"{what} failed: {Marshal.GetPInvokeErrorMessage(rc)}", rc);
    }
}
