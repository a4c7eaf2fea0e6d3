using System.Diagnostics;
using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Output;
using Barman.Core.Streaming;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

public sealed class ProcessManagerTests
{
    private static ServerConfig Server(TempDir home, string name)
    {
        return TestConfig.Server(name, TestConfig.Global(home.Path));
    }

    /// <summary>flock holds the lock while a sleep (whose PID is written in it) runs; SIGINT ends the sleep.</summary>
    private static async Task<(Process Flock, int Pid)> HoldLock(string path)
    {
        var flock = Process.Start("flock", [path, "-c", $"exec sh -c 'echo $$ > {path}; exec sleep 60'"]);
        await StreamingHarness.Until(() => LockFile.Holder(path) is > 0, "lock holder");
        return (flock, LockFile.Holder(path)!.Value);
    }

    [Fact]
    public async Task Stop_targets_only_the_exact_server_lock()
    {
        using var home = new TempDir();
        var pg = Server(home, "pg");
        var pg2 = Server(home, "pg-2");
        var (flock2, pid2) = await HoldLock(LockFile.PathFor(home.Path, "pg-2", LockKind.ReceiveWal));
        try
        {
            using var err = new StringWriter();
            using var @out = new StringWriter();
            var output = new ConsoleOutput(@out, err, new OutputOptions());
            Assert.Null(ProcessManager.FindReceiveWal(pg));
            Assert.True(await ProcessManager.StopReceiveWalAsync(pg, output, failIfNotPresent: true, Bounded.Token()));
            Assert.Equal("ERROR: Termination of receive-wal failed: no such process for server pg\n", err.ToString());
            Assert.True(ProcessManager.IsRunning(pid2));

            Assert.Equal(pid2, ProcessManager.FindReceiveWal(pg2)?.Pid);
            Assert.True(await ProcessManager.StopReceiveWalAsync(pg2, output, failIfNotPresent: true, Bounded.Token()));
            Assert.Equal($"Stopped process receive-wal({pid2})\n", @out.ToString());
            await flock2.ExitWithinAsync();
            Assert.Null(LockFile.Holder(LockFile.PathFor(home.Path, "pg-2", LockKind.ReceiveWal)));
        }
        finally
        {
            if (!flock2.HasExited)
                flock2.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Cron_style_stop_is_silent_when_nothing_runs_and_garbage_pid_warns()
    {
        using var home = new TempDir();
        var pg = Server(home, "pg");
        using var err = new StringWriter();
        using var @out = new StringWriter();
        var output = new ConsoleOutput(@out, err, new OutputOptions());
        Assert.True(await ProcessManager.StopReceiveWalAsync(pg, output, failIfNotPresent: false, Bounded.Token()));
        Assert.Equal("", err.ToString() + @out);

        var path = LockFile.PathFor(home.Path, "pg", LockKind.ReceiveWal);
        using var flock = Process.Start("flock", [path, "-c", $"echo garbage > {path}; exec sleep 60"]);
        try
        {
            await StreamingHarness.Until(() => File.Exists(path) && File.ReadAllText(path).StartsWith("garbage", StringComparison.Ordinal) && LockFile.Holder(path) is not null, "lock");
            Assert.Null(ProcessManager.FindReceiveWal(pg, output));
            Assert.Equal($"WARNING: Skipping the receive-wal process for server pg: Error reading the PID from lock file '{path}'\n", err.ToString());
        }
        finally
        {
            flock.Kill(entireProcessTree: true);
        }
    }
}
