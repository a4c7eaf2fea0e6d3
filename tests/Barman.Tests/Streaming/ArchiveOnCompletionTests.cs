using Barman.Core.Configuration;
using Barman.Core.Os;
using Barman.Core.Streaming;
using Barman.Core.Wal;
using Barman.Tests.Infrastructure;

namespace Barman.Tests.Streaming;

/// <summary>
/// receive-wal's archiving on completion (<see cref="CompletionArchiver"/>) against a real cluster and
/// the real pg_receivewal, with no archive-wal or cron running.
/// </summary>
public sealed class ArchiveOnCompletionTests(PgCluster pg) : IClassFixture<PgCluster>
{
    private static ServerConfig On(ServerConfig server) => server with { ArchiveOnCompletion = true };

    private static async Task StartStreamingAsync(StreamingHarness h)
    {
        await ReceiveWalCommand.DispatchAsync(h.Server, h.Output, new ReceiveWalOptions { CreateSlot = true }, signals: null, Bounded.Token());
        h.ResetOutput();
    }

    private async Task DropSlot(string slot) =>
        await pg.ExecuteAsync($"select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '{slot}' and not active");

    /// <summary>Switches <paramref name="count"/> segments, each followed by a little WAL so that pg_receivewal opens the next <c>.partial</c>.</summary>
    private async Task<List<string>> SwitchAsync(int count)
    {
        var segments = new List<string>();
        for (var i = 0; i < count; i++)
        {
            segments.Add(await pg.GenerateWalAndSwitchAsync(rows: 2000));
            await pg.ExecuteAsync("insert into barman_t values (0, 'next segment')");
        }
        return segments;
    }

    private static async Task<List<string>> XlogNames(ServerConfig server) =>
        [.. (await XlogDb.ReadEntriesAsync(server, Bounded.Token())).Select(e => e.Name)];

    private static string ArchivedPath(ServerConfig server, string name) =>
        Path.Combine(server.WalsDirectory, WalFileName.HashDirectory(name), name);

    private static string StreamedPath(ServerConfig server, string name) => Path.Combine(server.StreamingWalsDirectory, name);

    private static async Task WaitForPgReceiveWal(StreamingHarness h) =>
        await StreamingHarness.Until(() => h.PgReceiveWalPid() is not null && h.Out.Contains("starting log streaming", StringComparison.Ordinal), "pg_receivewal streaming");

    [Fact]
    public async Task Switched_segments_reach_the_archive_and_xlogdb_with_only_receive_wal_running()
    {
        using var h = new StreamingHarness(pg, "pg", "s_oncompletion", On);
        await StartStreamingAsync(h);
        var running = h.Start();
        await WaitForPgReceiveWal(h);
        var pid = h.PgReceiveWalPid();

        var segments = await SwitchAsync(3);
        await StreamingHarness.Until(async () => (await XlogNames(h.Server)) is var names && segments.All(names.Contains), "the switched segments in xlog.db", 120);

        foreach (var segment in segments)
        {
            Assert.True(File.Exists(ArchivedPath(h.Server, segment)), segment + " in wals/");
            Assert.False(File.Exists(StreamedPath(h.Server, segment)), segment + " left in streaming/");
        }
        var names = await XlogNames(h.Server);
        Assert.Equal(names.Count, names.Distinct().Count());
        var status = ArchiveRunOutcomes.Read(h.Server);
        Assert.NotNull(status);
        Assert.True(status.LastRun.Success);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.False(running.Task.IsCompleted);
        Assert.Equal(pid, h.PgReceiveWalPid());

        Assert.Equal(0, h.ExitCode(await running.StopWith(Posix.SIGINT)));
        Assert.Equal("", h.Err);
        Assert.Null(LockFile.Holder(WalLayout.ArchiveWalLockPath(h.Server)));
        await DropSlot("s_oncompletion");
    }

    [Fact]
    public async Task A_failing_archive_leaves_the_stream_running_and_the_files_in_streaming_then_the_next_completion_retries()
    {
        // wals_directory is a regular file: every pass fails, as an unwritable archive would (the tests run as root).
        using var h = new StreamingHarness(pg, "pg", "s_oncompletion_fail", On);
        var blocker = Path.Combine(h.Home.Path, "wals-is-a-file");
        File.WriteAllText(blocker, "");
        h.Server = h.Server with { WalsDirectory = blocker };
        await StartStreamingAsync(h);
        var running = h.Start();
        await WaitForPgReceiveWal(h);
        var pid = h.PgReceiveWalPid();

        var segments = await SwitchAsync(2);
        await StreamingHarness.Until(() => segments.All(s => File.Exists(StreamedPath(h.Server, s))), "the switched segments in streaming/", 120);
        await StreamingHarness.Until(() => ArchiveRunOutcomes.Read(h.Server) is { LastRun.Success: false }, "a failed archiving pass recorded", 120);

        var failed = ArchiveRunOutcomes.Read(h.Server)!;
        Assert.NotNull(failed.LastRun.Error);
        Assert.True(failed.ConsecutiveFailures >= 1);
        Assert.All(segments, s => Assert.True(File.Exists(StreamedPath(h.Server, s)), s + " kept in streaming/"));
        Assert.False(running.Task.IsCompleted, "receive-wal stopped on an archiving failure");
        Assert.Equal(pid, h.PgReceiveWalPid());
        Assert.Null(LockFile.Holder(WalLayout.ArchiveWalLockPath(h.Server)));

        // Repaired: the next completion archives everything waiting.
        File.Delete(blocker);
        var more = await SwitchAsync(1);
        var all = segments.Concat(more).ToList();
        await StreamingHarness.Until(async () => (await XlogNames(h.Server)) is var names && all.All(names.Contains), "every segment archived after the repair", 120);
        Assert.True(ArchiveRunOutcomes.Read(h.Server)!.LastRun.Success);
        Assert.All(all, s => Assert.True(File.Exists(ArchivedPath(h.Server, s)), s + " in wals/"));
        Assert.Equal(pid, h.PgReceiveWalPid());

        Assert.Equal(0, h.ExitCode(await running.StopWith(Posix.SIGINT)));
        await DropSlot("s_oncompletion_fail");
    }

    [Fact]
    public async Task Turned_off_nothing_is_archived_without_archive_wal()
    {
        using var h = new StreamingHarness(pg, "pg", "s_oncompletion_off", s => s with { ArchiveOnCompletion = false });
        await StartStreamingAsync(h);
        var running = h.Start();
        await WaitForPgReceiveWal(h);

        var segments = await SwitchAsync(2);
        await StreamingHarness.Until(() => segments.All(s => File.Exists(StreamedPath(h.Server, s))) && Directory.GetFiles(h.Server.StreamingWalsDirectory, "*.partial").Any(p => string.CompareOrdinal(Path.GetFileName(p), segments[^1]) > 0),
            "the switched segments and the next .partial in streaming/", 120);
        // An observation window longer than the on-completion rescan: what would be archived by then, is not.
        await Task.Delay(CompletionArchiver.RescanInterval * 3);

        Assert.All(segments, s => Assert.True(File.Exists(StreamedPath(h.Server, s)), s + " kept in streaming/"));
        Assert.True(XlogDb.IsEmpty(h.Server.XlogdbFile));
        Assert.Null(ArchiveRunOutcomes.Read(h.Server));

        // archive-wal (cron's) still archives them.
        Assert.True(await Barman.Core.Wal.ArchiveWal.RunAsync(h.Server, h.Output, verbose: false, Bounded.Token()));
        var names = await XlogNames(h.Server);
        Assert.All(segments, s => Assert.Contains(s, names));

        Assert.Equal(0, h.ExitCode(await running.StopWith(Posix.SIGINT)));
        await DropSlot("s_oncompletion_off");
    }
}
