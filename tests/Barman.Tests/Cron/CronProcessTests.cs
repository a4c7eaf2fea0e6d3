using System.Diagnostics;
using Barman.Core.Os;
using Barman.Core.Streaming;
using Barman.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Barman.Tests.Cron;

/// <summary>
/// <c>barman cron</c> as the real executable (children must be spawned from the real barman, not
/// the test host) against a real cluster: messages, the children's argv, session and descriptors,
/// --keep-descriptors, lock-busy paths, streaming_archiver off, racing crons.
/// </summary>
public sealed class CronProcessTests(PgCluster cluster, ITestOutputHelper log) : IClassFixture<PgCluster>
{
    private const string StartBoth = "Starting WAL archiving for server pg\nStarting streaming archiver for server pg\n";

    /// <summary>
    /// What a cron that has nothing to say about receive-wal prints: archive-wal started, or found busy (the one
    /// the previous cron started, or receive-wal's archiving on completion, may still hold its lock).
    /// </summary>
    private static readonly string[] ArchivingOnly =
    [
        "Starting WAL archiving for server pg\n",
        "Another archive-wal process is already running on server pg. Skipping to the next server\n",
    ];

    [Fact]
    public async Task Children_are_the_same_barman_with_the_loaded_config_in_their_own_session_on_dev_null()
    {
        await using var home = new CronHome(cluster);
        // RunProcessAsync reads cron's stdout/stderr to the end: it returns only because no child kept them.
        var r = await home.RunAsync("cron");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(StartBoth, r.Out);
        Assert.Equal("", r.Err);

        var pid = await home.WaitForReceiveWalAsync();
        Assert.Equal([CliRunner.ExecutablePath, "-c", home.ConfigFile, "-q", "receive-wal", "pg"], ProcInfo.Cmdline(pid));
        Assert.Equal(pid, ProcInfo.SessionId(pid));
        Assert.Equal(pid, ProcInfo.ProcessGroup(pid));
        for (var fd = 0; fd <= 2; fd++)
            Assert.Equal("/dev/null", ProcInfo.FdTarget(pid, fd));

        // create_slot = auto works through the spawned receive-wal
        Assert.True(await home.WaitForSlotActiveAsync());
        Assert.Contains($"Creating replication slot '{home.Slot}'", home.Log());
        // the archive-wal child was spawned the same way (its argv is in the log at DEBUG)
        Assert.Contains($"BarmanSubProcess: {CliRunner.ExecutablePath} -c {home.ConfigFile} -q archive-wal pg", home.Log());

        // a second pass finds receive-wal running and says nothing about it
        var again = await home.RunAsync("cron");
        Assert.Contains(again.Out, ArchivingOnly);
        Assert.Equal([pid], home.ReceiveWals());
    }

    [Fact]
    public async Task Children_survive_the_kill_of_crons_whole_process_group()
    {
        await using var home = new CronHome(cluster);
        // setsid: the shell and cron form their own group, which the shell then SIGKILLs entirely.
        var psi = new ProcessStartInfo("setsid", ["--wait", "/bin/sh", "-c", "\"$0\" -c \"$1\" cron; kill -KILL 0", CliRunner.ExecutablePath, home.ConfigFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using (var group = Process.Start(psi)!)
        {
            var stdout = group.StandardOutput.ReadToEndAsync();
            await group.ExitWithinAsync();
            Assert.Equal(128 + 9, group.ExitCode);
            Assert.Equal(StartBoth, await stdout.Within("cron's stdout"));
        }
        var pid = await home.WaitForReceiveWalAsync();
        await Task.Delay(500);
        Assert.True(ProcessManager.IsRunning(pid));
        Assert.Single(home.PgReceiveWals());
    }

    [Fact]
    public async Task Keep_descriptors_gives_the_children_crons_stdout_and_stderr()
    {
        await using var home = new CronHome(cluster);
        var stdoutFile = Path.Combine(home.Root, "cron.out");
        var stderrFile = Path.Combine(home.Root, "cron.err");
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" -c \"$1\" cron --keep-descriptors > \"$2\" 2> \"$3\" < /dev/null", CliRunner.ExecutablePath, home.ConfigFile, stdoutFile, stderrFile])
        {
            UseShellExecute = false,
        };
        using (var cron = Process.Start(psi)!)
        {
            await cron.ExitWithinAsync();
            Assert.Equal(0, cron.ExitCode);
        }
        Assert.Equal(StartBoth, File.ReadAllText(stdoutFile));

        var pid = await home.WaitForReceiveWalAsync();
        Assert.Equal([CliRunner.ExecutablePath, "-c", home.ConfigFile, "-q", "receive-wal", "pg"], ProcInfo.Cmdline(pid));
        Assert.Equal("/dev/null", ProcInfo.FdTarget(pid, 0));
        Assert.Equal(stdoutFile, ProcInfo.FdTarget(pid, 1));
        Assert.Equal(stderrFile, ProcInfo.FdTarget(pid, 2));
        Assert.Equal(pid, ProcInfo.SessionId(pid));
    }

    [Fact]
    public async Task Streaming_archiver_off_stops_the_running_receive_wal()
    {
        await using var home = new CronHome(cluster);
        Assert.Equal(StartBoth, (await home.RunAsync("cron")).Out);
        var pid = await home.WaitForReceiveWalAsync();
        var receiver = Assert.Single(home.PgReceiveWals());

        home.WriteConfig(streamingArchiver: false);
        var r = await home.RunAsync("cron");
        Assert.Equal(0, r.ExitCode);
        var stopped = $"Stopped process receive-wal({pid})\n";
        Assert.True(r.Out.EndsWith(stopped, StringComparison.Ordinal) && ArchivingOnly.Contains(r.Out[..^stopped.Length]), r.Out);
        Assert.True(await ProcInfo.WaitForAsync(() => !ProcessManager.IsRunning(pid) && !ProcessManager.IsRunning(receiver), TimeSpan.FromSeconds(60)));
        Assert.Null(LockFile.Holder(home.LockPath(LockKind.ReceiveWal)));

        // nothing left to stop: silent
        var again = await home.RunAsync("cron");
        Assert.Contains(again.Out, ArchivingOnly);
        Assert.Empty(home.ReceiveWals());
    }

    [Fact]
    public async Task Inactive_and_disabled_servers_are_skipped_and_the_others_run()
    {
        await using var home = new CronHome(cluster);
        home.WriteConfig(extraSections: $"""
            [aa_off]
            conninfo = {cluster.Conninfo}
            backup_method = postgres
            streaming_archiver = on
            slot_name = aa_off
            active = false

            [zz_broken]
            conninfo = {cluster.Conninfo}
            backup_method = postgres
            streaming_archiver = on
            """);
        var r = await home.RunAsync("cron");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            "Skipping inactive server 'aa_off'\nSkipping temporarily disabled server 'zz_broken'\n" + StartBoth,
            r.Out);
        Assert.Equal("", r.Err);
        Assert.False(File.Exists(LockFile.PathFor(home.Home, "aa_off", LockKind.Cron)));
        Assert.False(File.Exists(LockFile.PathFor(home.Home, "zz_broken", LockKind.Cron)));
        await home.WaitForReceiveWalAsync();
    }

    [Fact]
    public async Task Busy_locks_print_barmans_messages_and_start_nothing()
    {
        await using var home = new CronHome(cluster);
        using (LockHolder.Hold(home.LockPath(LockKind.Cron)))
        {
            var r = await home.RunAsync("cron");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("Another cron process is already running on server pg. Skipping to the next server\n", r.Out);
        }
        using (LockHolder.Hold(home.LockPath(LockKind.ArchiveWal)))
        using (LockHolder.Hold(home.LockPath(LockKind.ReceiveWal)))
        {
            var r = await home.RunAsync("cron");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("Another archive-wal process is already running on server pg. Skipping to the next server\n", r.Out);
            Assert.Equal("", r.Err);
        }
        Assert.DoesNotContain("BarmanSubProcess", home.Log());
        Assert.Empty(home.ReceiveWals());
    }

    [Fact]
    public async Task Racing_crons_never_leave_two_receivers()
    {
        await using var home = new CronHome(cluster);
        var allowed = new HashSet<string>
        {
            StartBoth,
            "Starting WAL archiving for server pg\n",
            "Another cron process is already running on server pg. Skipping to the next server\n",
            "Another archive-wal process is already running on server pg. Skipping to the next server\nStarting streaming archiver for server pg\n",
            "Another archive-wal process is already running on server pg. Skipping to the next server\n",
        };
        var started = 0;
        for (var round = 0; round < 2; round++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => home.RunAsync("cron")));
            foreach (var r in results)
            {
                Assert.True(r.ExitCode == 0 && r.Err == "" && allowed.Contains(r.Out), r.ToString());
                if (r.Out.Contains("Starting streaming archiver", StringComparison.Ordinal))
                    started++;
            }
        }
        Assert.True(started >= 1);
        log.WriteLine($"{started} receive-wal started by racing crons");
        var pid = await home.WaitForReceiveWalAsync();
        // every extra receive-wal lost the lock race and exited quietly (into /dev/null and the log)
        Assert.True(await ProcInfo.WaitForAsync(() => home.ReceiveWals().Count == 1, TimeSpan.FromSeconds(30)), string.Join(",", home.ReceiveWals()));
        Assert.Equal([pid], home.ReceiveWals());
        Assert.Single(home.PgReceiveWals());
        var losers = home.Log().Split('\n').Count(l => l.Contains("Another receive-wal process is already running for server pg.", StringComparison.Ordinal));
        Assert.True(started - 1 == losers, $"{started} started, {losers} lost the race; log:\n{home.Log()}");
        // nothing else went wrong in any process (archive-wal losers exit with an info line)
        var problems = home.Log().Split('\n').Where(l => (l.Contains(" ERROR: ", StringComparison.Ordinal) || l.Contains("EXCEPTION", StringComparison.Ordinal))
            && !l.Contains("Another receive-wal process is already running", StringComparison.Ordinal));
        Assert.Empty(problems);
    }
}
