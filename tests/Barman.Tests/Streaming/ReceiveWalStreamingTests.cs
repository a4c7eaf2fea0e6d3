using Barman.Core.Os;
using Barman.Core.Streaming;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

/// <summary>receive-wal in-process against a real cluster and the real pg_receivewal.</summary>
public sealed class ReceiveWalStreamingTests(PgCluster pg) : IClassFixture<PgCluster>
{
    private async Task CreateSlot(StreamingHarness h)
    {
        await ReceiveWalCommand.DispatchAsync(h.Server, h.Output, new ReceiveWalOptions { CreateSlot = true }, signals: null, Bounded.Token());
        h.ResetOutput();
    }

    private async Task DropSlot(string slot) =>
        await pg.ExecuteAsync($"select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '{slot}'");

    [Fact]
    public async Task Streams_byte_identical_segments_with_barman_argv_then_stops_on_sigint()
    {
        using var h = new StreamingHarness(pg, "pg", "s_stream", s => s with { Description = "x" });
        await CreateSlot(h);
        var running = h.Start();
        await StreamingHarness.Until(() => h.PgReceiveWalPid() is not null && h.Out.Contains("starting log streaming", StringComparison.Ordinal), "pg_receivewal streaming");
        var pid = h.PgReceiveWalPid()!.Value;

        Assert.Equal(
            [
                PgCluster.BinDir + "/pg_receivewal",
                $"--dbname=dbname=replication host=127.0.0.1 options=-cdatestyle=iso port={pg.Port} replication=true user=postgres application_name=barman_receive_wal",
                "--verbose", "--no-loop", "--no-password",
                "--directory=" + h.Server.StreamingWalsDirectory,
                "--slot=s_stream",
            ],
            StreamingHarness.CommandLine(pid));
        Assert.Equal(Environment.ProcessId, LockFile.Holder(h.LockPath));

        var segment = await pg.GenerateWalAndSwitchAsync();
        var streamed = Path.Combine(h.Server.StreamingWalsDirectory, segment);
        await StreamingHarness.Until(() => File.Exists(streamed), "segment " + segment);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(pg.DataDirectory, "pg_wal", segment)), await File.ReadAllBytesAsync(streamed));

        // Barman's identity.json was written on the first IDENTIFY_SYSTEM
        var identity = ServerIdentity.TryRead(h.Server);
        Assert.NotNull(identity);
        Assert.Equal(await pg.ScalarAsync<long>("select system_identifier from pg_control_system()"), long.Parse(identity.SystemId));
        Assert.Equal("15", identity.Version);
        Assert.Matches("^\\{\n    \"systemid\": \"\\d+\",\n    \"version\": \"15\"\n\\}\n$", await File.ReadAllTextAsync(ServerIdentity.PathFor(h.Server)));

        var code = await running.StopWith(Posix.SIGINT);
        Assert.Equal(0, h.ExitCode(code));
        Assert.StartsWith("Starting receive-wal for server pg\npg: pg_receivewal: starting log streaming at ", h.Out);
        Assert.EndsWith("SIGINT received. Terminate gracefully.\n", h.Out);
        Assert.Contains($"pg: pg_receivewal: finished segment at", h.Out);
        Assert.False(ProcessManager.IsRunning(pid));
        Assert.Null(LockFile.Holder(h.LockPath));
        Assert.Equal("", h.Err);
        await DropSlot("s_stream");
    }

    [Fact]
    public async Task Sigterm_is_forwarded_and_exits_143()
    {
        using var h = new StreamingHarness(pg, "pg", "s_term");
        await CreateSlot(h);
        var running = h.Start();
        await StreamingHarness.Until(() => h.PgReceiveWalPid() is not null, "pg_receivewal");
        var pid = h.PgReceiveWalPid()!.Value;
        Assert.Equal(143, await running.StopWith(Posix.SIGTERM));
        Assert.False(ProcessManager.IsRunning(pid));
        Assert.DoesNotContain("SIGINT received", h.Out);
        Assert.Null(LockFile.Holder(h.LockPath));
        await DropSlot("s_term");
    }

    [Fact]
    public async Task Second_instance_is_refused_and_slot_in_use_is_an_archiver_failure()
    {
        using var h = new StreamingHarness(pg, "pg", "s_lock");
        await CreateSlot(h);
        var running = h.Start();
        await StreamingHarness.Until(() => h.Out.Contains("starting log streaming", StringComparison.Ordinal), "streaming");

        using var second = new StreamingHarness(pg, "pg", "s_lock") { Server = h.Server };
        var code = await second.RunAsync();
        Assert.Equal(1, second.ExitCode(code));
        Assert.Equal("Starting receive-wal for server pg\n", second.Out);
        Assert.Equal("ERROR: Another receive-wal process is already running for server pg.\n", second.Err);

        second.ResetOutput();
        code = await second.RunAsync(reset: true);
        Assert.Equal(0, second.ExitCode(code));
        Assert.Equal("Unable to reset the status of receive-wal for server pg. Process is still running\n", second.Out);

        // another home, same slot: the slot is active
        using var third = new StreamingHarness(pg, "pg", "s_lock");
        code = await third.RunAsync();
        Assert.Equal(1, third.ExitCode(code));
        Assert.Equal("ERROR: ArchiverFailure:replication slot 's_lock' is already in use\n", third.Err);

        await running.StopWith(Posix.SIGINT);
        await DropSlot("s_lock");
    }

    [Fact]
    public async Task Missing_slot_manual_is_fatal_and_auto_creates_it()
    {
        using var h = new StreamingHarness(pg, "pg", "s_auto");
        var code = await h.RunAsync();
        Assert.Equal(1, h.ExitCode(code));
        Assert.Equal("Starting receive-wal for server pg\n", h.Out);
        Assert.Equal("ERROR: ArchiverFailure:replication slot 's_auto' doesn't exist. Please execute 'barman receive-wal --create-slot pg'\n", h.Err);

        h.ResetOutput();
        h.Server = h.Server with { CreateSlot = Barman.Core.Configuration.CreateSlotMode.Auto };
        var running = h.Start();
        await StreamingHarness.Until(() => h.Out.Contains("starting log streaming", StringComparison.Ordinal), "streaming");
        Assert.StartsWith(
            "Starting receive-wal for server pg\nCreating replication slot 's_auto'\nCreating physical replication slot 's_auto' on server 'pg'\nReplication slot 's_auto' created\npg: pg_receivewal: starting log streaming at ",
            h.Out);
        Assert.Equal(0, h.ExitCode(await running.StopWith(Posix.SIGINT)));
        await DropSlot("s_auto");
    }

    [Fact]
    public async Task Streaming_archiver_off_and_unreachable_server_messages()
    {
        using var off = new StreamingHarness(pg, "pg", "x", s => s with { StreamingArchiver = false });
        var code = await off.RunAsync();
        Assert.Equal((1, "", "ERROR: Unable to start receive-wal process: streaming_archiver option set to 'off' in barman configuration file\n"), (off.ExitCode(code), off.Out, off.Err));

        var port = PgCluster.FreePort();
        using var down = new StreamingHarness(pg, "pg", "x", s => s with { StreamingConninfo = $"host=127.0.0.1 port={port} user=postgres connect_timeout=3" });
        code = await down.RunAsync();
        Assert.Equal((1, "Starting receive-wal for server pg\n", "ERROR: ArchiverFailure:failed opening the PostgreSQL streaming connection for server pg\n"), (down.ExitCode(code), down.Out, down.Err));
    }

    [Fact]
    public async Task Incompatible_pg_receivewal_is_refused()
    {
        using var h = new StreamingHarness(pg, "pg", "x");
        var bin = Directory.CreateDirectory(h.Home.Combine("fakebin")).FullName;
        var fake = Path.Combine(bin, "pg_receivewal");
        await File.WriteAllTextAsync(fake, "#!/bin/sh\necho 'pg_receivewal (PostgreSQL) 14.9 (Debian 14.9-1.pgdg120+1)'\n");
        File.SetUnixFileMode(fake, (UnixFileMode)0x1ED);
        h.Server = h.Server with { PathPrefix = bin };
        var code = await h.RunAsync();
        Assert.Equal(1, h.ExitCode(code));
        Assert.Equal("ERROR: ArchiverFailure:pg_receivewal version not compatible with PostgreSQL server version\n", h.Err);

        // a candidate whose --version fails (Debian's pg_wrapper without a cluster) is skipped
        await File.WriteAllTextAsync(fake, "#!/bin/sh\nexit 1\n");
        var found = await PgReceiveWalLocator.FindAsync(bin + ":" + PgCluster.BinDir, Bounded.Token());
        Assert.Equal(PgCluster.BinDir + "/pg_receivewal", found?.Path);
        Assert.Equal(150000, found!.Version!.MajorNumber);
        Assert.Null(await PgReceiveWalLocator.FindAsync(bin, Bounded.Token()));
    }

    [Fact]
    public async Task Different_system_identifier_is_fatal()
    {
        using var h = new StreamingHarness(pg, "pg", "x");
        Directory.CreateDirectory(h.Server.BackupDirectory);
        await File.WriteAllTextAsync(ServerIdentity.PathFor(h.Server), "{\n    \"systemid\": \"1234\",\n    \"version\": \"15\"\n}\n");
        var code = await h.RunAsync();
        Assert.Equal(1, h.ExitCode(code));
        var actual = await pg.ScalarAsync<long>("select system_identifier from pg_control_system()");
        Assert.Equal(
            $"ERROR: ArchiverFailure:the system identifier of the PostgreSQL server changed: the streaming connection reports {actual}, while 1234 is stored in \"{ServerIdentity.PathFor(h.Server)}\". Refusing to mix WAL of two clusters\n",
            h.Err);
    }

    [Fact]
    public async Task Wrong_sized_partial_is_truncated_and_kept_in_errors()
    {
        using var h = new StreamingHarness(pg, "pg", "s_trunc");
        await CreateSlot(h);
        var current = await pg.ScalarAsync<string>("select pg_walfile_name(pg_current_wal_lsn())");
        Directory.CreateDirectory(h.Server.StreamingWalsDirectory);
        var partial = Path.Combine(h.Server.StreamingWalsDirectory, current + ".partial");
        var bytes = new byte[1000];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(partial, bytes);
        var running = h.Start();
        await StreamingHarness.Until(() => h.Out.Contains("starting log streaming", StringComparison.Ordinal) || running.Task.IsCompleted, "streaming");
        Assert.Contains($"Starting receive-wal for server pg\nTruncating partial file {partial} that has wrong size 1000 while 16777216 was expected.\n", h.Out);
        var kept = Directory.GetFiles(h.Server.ErrorsDirectory).Single();
        Assert.Matches(@"\.partial\.\d{8}T\d{6}Z\.truncated$", kept);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(kept));
        await running.StopWith(Posix.SIGINT);
        await DropSlot("s_trunc");
    }

    [Fact]
    public async Task Reset_aligned_ahead_and_resetting()
    {
        using var h = new StreamingHarness(pg, "pg", "s_reset");
        await CreateSlot(h);
        var dir = h.Server.StreamingWalsDirectory;
        Directory.CreateDirectory(dir);

        var code = await h.RunAsync(reset: true);
        Assert.Equal((0, "Nothing to do. Position of receive-wal is aligned.\n", ""), (h.ExitCode(code), h.Out, h.Err));

        // slot not initialised: the restart position is the current WAL (LSN on boundary rounds up)
        var lsn = await pg.ScalarAsync<string>("select pg_current_wal_lsn()::text");
        var current = WalFileName.FromLsn(ulong.Parse(lsn!.Split('/')[0], System.Globalization.NumberStyles.HexNumber) << 32 | ulong.Parse(lsn.Split('/')[1], System.Globalization.NumberStyles.HexNumber), 1, 16 << 20);

        h.ResetOutput();
        await File.WriteAllBytesAsync(Path.Combine(dir, "0000000100000000000000FF"), []);
        code = await h.RunAsync(reset: true);
        Assert.Equal((1, "", $"ERROR: The receive-wal position is ahead of PostgreSQL current WAL lsn (0000000100000000000000FF > {current})\n"), (h.ExitCode(code), h.Out, h.Err));
        File.Delete(Path.Combine(dir, "0000000100000000000000FF"));

        h.ResetOutput();
        var old = Path.Combine(dir, "000000010000000000000001.partial");
        await File.WriteAllTextAsync(old, "precious wal bytes");
        code = await h.RunAsync(reset: true);
        Assert.Equal(0, h.ExitCode(code));
        var kept = Directory.GetFiles(h.Server.ErrorsDirectory).Single();
        Assert.Equal(
            $"Resetting receive-wal directory status\nRemoving status file {old}\nIts content was kept as {kept}\nCreating status file {dir}/{current}.partial\n",
            h.Out);
        Assert.Equal("precious wal bytes", await File.ReadAllTextAsync(kept));
        Assert.False(File.Exists(old));
        Assert.Equal(0, new FileInfo(Path.Combine(dir, current + ".partial")).Length);

        h.ResetOutput();
        code = await h.RunAsync(reset: true);
        Assert.Equal((0, "Nothing to do. Position of receive-wal is aligned.\n"), (h.ExitCode(code), h.Out));
        await DropSlot("s_reset");
    }

    [Fact]
    public async Task Restarts_after_server_restart_and_walsender_kill_without_gaps()
    {
        using var h = new StreamingHarness(pg, "pg", "s_heal");
        await CreateSlot(h);
        var running = h.Start();
        static int Count(string text) => text.Split("starting log streaming at").Length - 1;
        await StreamingHarness.Until(() => Count(h.Out) == 1, "first streaming");
        var first = await pg.GenerateWalAndSwitchAsync();

        await pg.ExecuteAsync("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = 's_heal'");
        await StreamingHarness.Until(() => Count(h.Out) == 2, "streaming after walsender kill");
        Assert.Contains("WARNING: pg_receivewal terminated with error code: 1: restarting pg_receivewal for server pg in ", h.Err);
        await pg.GenerateWalAndSwitchAsync();

        await pg.RestartAsync();
        await StreamingHarness.Until(() => Count(h.Out) == 3, "streaming after server restart");
        var last = await pg.GenerateWalAndSwitchAsync();
        await StreamingHarness.Until(() => File.Exists(Path.Combine(h.Server.StreamingWalsDirectory, last)), "last segment");

        Assert.Equal(0, h.ExitCode(await running.StopWith(Posix.SIGINT)));
        var segments = Directory.GetFiles(h.Server.StreamingWalsDirectory)
            .Select(Path.GetFileName).Where(n => WalFileName.IsWalFile(n!)).Order(StringComparer.Ordinal).ToList();
        var numbers = segments.Select(n => Convert.ToInt64(n![16..], 16)).ToList();
        Assert.Contains(first, segments);
        Assert.Contains(last, segments);
        Assert.Equal(Enumerable.Range((int)numbers[0], numbers.Count).Select(i => (long)i), numbers);
        await DropSlot("s_heal");
    }

    [Fact]
    public async Task Keeps_restarting_through_several_failures_before_streaming_after_it_has_streamed()
    {
        using var h = new StreamingHarness(pg, "pg", "s_flap");
        await CreateSlot(h);
        // A path_prefix pg_receivewal that runs the real one, except runs 2 to 4, which fail before
        // streaming (a server that accepts and then refuses, a flapping network).
        var bin = Directory.CreateDirectory(h.Home.Combine("flapping-bin")).FullName;
        var runs = h.Home.Combine("runs");
        var script = Path.Combine(bin, "pg_receivewal");
        await File.WriteAllTextAsync(script, $"""
            #!/bin/sh
            [ "$1" = --version ] && exec {PgCluster.BinDir}/pg_receivewal "$@"
            echo run >> {runs}
            n=$(wc -l < {runs})
            if [ "$n" -ge 2 ] && [ "$n" -le 4 ]; then echo "pg_receivewal: error: could not connect to the server (injected, run $n)" >&2; exit 1; fi
            exec {PgCluster.BinDir}/pg_receivewal "$@"

            """);
        File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
        h.Server = h.Server with { PathPrefix = bin };
        var running = h.Start();
        static int Count(string text) => text.Split("starting log streaming at").Length - 1;
        await StreamingHarness.Until(() => Count(h.Out) == 1 || running.Task.IsCompleted, "first streaming");

        await pg.ExecuteAsync("select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = 's_flap'");
        await StreamingHarness.Until(() => Count(h.Out) == 2 || running.Task.IsCompleted, "streaming again after three failed restarts");

        Assert.False(running.Task.IsCompleted, h.Err);
        Assert.Equal(5, (await File.ReadAllLinesAsync(runs)).Length);
        Assert.Equal(4, h.Err.Split("restarting pg_receivewal for server pg in").Length - 1);
        Assert.Equal(0, h.ExitCode(await running.StopWith(Posix.SIGINT)));
        await DropSlot("s_flap");
    }
}
