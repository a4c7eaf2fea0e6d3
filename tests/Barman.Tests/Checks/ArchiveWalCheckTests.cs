using Barman.Core.Checks;
using Barman.Core.Output;
using Barman.Core.Wal;
using Barman.Tests.ArchiveWal;
using static Barman.Tests.ArchiveWal.ArchiveHarness;

namespace Barman.Tests.Checks;

/// <summary>check's <c>archive-wal</c> item from the recorded outcome and the real queues.</summary>
public sealed class ArchiveWalCheckTests
{
    private static async Task<(bool Ok, string? Hint)> CheckAsync(ArchiveHarness h)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        var output = new NagiosOutput(stdout, new OutputOptions());
        var context = new CheckContext(h.Server, output, fillEmptyArchive: false, DateTime.UtcNow.AddSeconds(30));
        await new ArchiveWalCheck().RunAsync(context, CancellationToken.None);
        output.Close();
        var lines = stdout.ToString().Split('\n');
        if (lines[0].StartsWith("BARMAN OK", StringComparison.Ordinal))
            return (true, null);
        Assert.StartsWith("pg.archive-wal: FAILED (", lines[1], StringComparison.Ordinal);
        return (false, lines[1]["pg.archive-wal: FAILED (".Length..^1]);
    }

    [Fact]
    public async Task Last_failed_run_fails_with_its_error_until_a_good_run()
    {
        using var h = new ArchiveHarness();
        var now = DateTimeOffset.UtcNow;
        ArchiveRunOutcomes.Record(h.Server, new ArchiveRunOutcome(now.AddMinutes(-10), TimeSpan.FromSeconds(1), true, 3, null));
        ArchiveRunOutcomes.Record(h.Server, new ArchiveRunOutcome(now.AddMinutes(-2), TimeSpan.FromSeconds(1), false, 0, "Unable to archive WAL file 'x': Permission denied"));
        ArchiveRunOutcomes.Record(h.Server, new ArchiveRunOutcome(now.AddMinutes(-1), TimeSpan.FromSeconds(1), false, 0, "Unable to archive WAL file 'x': Permission denied"));

        var (ok, hint) = await CheckAsync(h);

        Assert.False(ok);
        Assert.Equal("last run failed 1 minute ago, 2 failed runs since 2 minutes ago: Unable to archive WAL file 'x': Permission denied", hint);

        ArchiveRunOutcomes.Record(h.Server, new ArchiveRunOutcome(now, TimeSpan.FromSeconds(1), true, 2, null));
        Assert.True((await CheckAsync(h)).Ok);
        var status = ArchiveRunOutcomes.Read(h.Server)!;
        Assert.Null(status.FailingSince);
        Assert.Equal(0, status.ConsecutiveFailures);
    }

    [Fact]
    public async Task Files_waiting_without_a_successful_run_for_a_while_fail()
    {
        using var h = new ArchiveHarness(s => s with { MaxArchiveWalDelay = 60 });
        var old = DateTime.UtcNow.AddMinutes(-5);
        foreach (var name in new[] { Seg(1, 1), Seg(1, 2), Seg(1, 3) })
            File.SetLastWriteTimeUtc(h.Put(h.Streaming, name), old);

        // Never archived: the oldest file's age counts.
        var (ok, hint) = await CheckAsync(h);
        Assert.False(ok);
        Assert.Equal("2 WAL files waiting for more than 1 minute, no archive-wal run recorded", hint);

        // A successful run long ago, files waiting since: archive-wal stopped running (cron gone).
        ArchiveRunOutcomes.Record(h.Server, new ArchiveRunOutcome(DateTimeOffset.UtcNow.AddMinutes(-30), TimeSpan.FromSeconds(1), true, 1, null));
        (ok, hint) = await CheckAsync(h);
        Assert.False(ok);
        Assert.StartsWith("2 WAL files waiting for more than 1 minute, last successful run 29 minutes", hint, StringComparison.Ordinal);

        // A recent successful run: a backlog being worked through is not a failure.
        ArchiveRunOutcomes.Record(h.Server, new ArchiveRunOutcome(DateTimeOffset.UtcNow.AddSeconds(-10), TimeSpan.FromSeconds(1), true, 100, null));
        Assert.True((await CheckAsync(h)).Ok);
    }

    [Fact]
    public async Task A_file_just_arrived_after_a_quiet_spell_is_not_late()
    {
        using var h = new ArchiveHarness(s => s with { MaxArchiveWalDelay = 60 });
        ArchiveRunOutcomes.Record(h.Server, new ArchiveRunOutcome(DateTimeOffset.UtcNow.AddHours(-3), TimeSpan.FromSeconds(1), true, 1, null));
        var files = new[] { Seg(1, 1), Seg(1, 2) }.Select(name => h.Put(h.Streaming, name)).ToList();
        Assert.True((await CheckAsync(h)).Ok);

        foreach (var file in files)
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-2));
        var (ok, hint) = await CheckAsync(h);
        Assert.False(ok);
        Assert.StartsWith("1 WAL file waiting for more than 1 minute, last successful run ", hint, StringComparison.Ordinal);
        Assert.Contains(" hours", hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fresh_queue_and_empty_queue_are_fine()
    {
        using var h = new ArchiveHarness(s => s with { MaxArchiveWalDelay = 60 });
        Assert.True((await CheckAsync(h)).Ok);
        h.Put(h.Streaming, Seg(1, 1));
        h.Put(h.Streaming, Seg(1, 2));
        Assert.True((await CheckAsync(h)).Ok);
    }

    [Fact]
    public void Record_is_written_atomically_0600_and_read_back()
    {
        using var h = new ArchiveHarness();
        var started = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123);
        ArchiveRunOutcomes.Record(h.Server, new ArchiveRunOutcome(started, TimeSpan.FromMilliseconds(1500), false, 7, "boom password=secret"));

        var path = ArchiveRunOutcomes.PathFor(h.Server);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal([ArchiveRunOutcomes.FileName], Directory.GetFiles(h.Server.BackupDirectory).Select(Path.GetFileName));
        var status = ArchiveRunOutcomes.Read(h.Server)!;
        Assert.Equal(new ArchiveRunOutcome(started, TimeSpan.FromMilliseconds(1500), false, 7, "boom password=*REDACTED*"), status.LastRun);
        Assert.Equal(started, status.FailingSince);
        Assert.Null(status.LastSuccess);

        File.WriteAllText(path, "{not json");
        Assert.Null(ArchiveRunOutcomes.Read(h.Server));
    }
}
