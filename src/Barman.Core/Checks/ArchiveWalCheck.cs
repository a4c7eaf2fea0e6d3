using Barman.Core.Os;
using Barman.Core.Text;
using Barman.Core.Wal;

namespace Barman.Core.Checks;

/// <summary>
/// Ours: <c>archive-wal</c>, whether archiving works (cron's archive-wal prints nowhere). FAILED when
/// the last recorded run failed (its error in the hint), or when WAL files wait in the queues and no
/// archive-wal run succeeded for <c>max_archive_wal_delay</c> seconds (never, or it stopped running).
/// A successful run turns it OK again.
/// </summary>
internal sealed class ArchiveWalCheck(TimeProvider? clock = null) : ICheckItem
{
    private const string Item = "archive-wal";
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public Task RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        var archivers = ArchiveWal.Archivers(server);
        if (archivers.Count == 0)
            return Task.CompletedTask;
        var now = _clock.GetUtcNow();
        var status = ArchiveRunOutcomes.Read(server);
        if (status is { LastRun: { Success: false } failed })
        {
            var streak = status.ConsecutiveFailures > 1 && status.FailingSince is { } since
                ? $", {status.ConsecutiveFailures} failed runs since {Ago(now, since)}"
                : "";
            context.Result(Item, false, $"last run failed {Ago(now, failed.Started)}{streak}: {failed.Error ?? "unknown error"}");
            return Task.CompletedTask;
        }

        var queues = archivers.Select(kind => WalQueue.Scan(server, kind)).ToList();
        var waiting = queues.Sum(q => q.Files);
        var oldest = queues.Select(q => q.Oldest).Min();
        var delay = TimeSpan.FromSeconds(Math.Max(0, server.MaxArchiveWalDelay));
        // Stalled: the oldest file has waited longer than the delay AND no run succeeded meanwhile
        // (a file that has just arrived after a long quiet spell is not late yet).
        if (waiting > 0 && oldest is { } queuedSince && now - Latest(queuedSince, status?.LastSuccess) > delay)
        {
            var running = LockFile.Holder(WalLayout.ArchiveWalLockPath(server)) is { } pid ? $" (archive-wal running, pid {pid})" : "";
            var lastRun = status?.LastSuccess is { } last ? $"last successful run {Ago(now, last)}" : "no archive-wal run recorded";
            context.Result(Item, false, $"{Files(waiting)} waiting for more than {HumanFormat.Timedelta(delay)}, {lastRun}{running}");
            return Task.CompletedTask;
        }
        // No time here: the OK line stays the same from one run to the next (metrics have the times).
        context.Result(Item, true, status is null ? "no archive-wal run recorded yet" : $"{Files(status.LastRun.Archived)} archived by the last run");
        return Task.CompletedTask;
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other > a ? other : a;

    private static string Files(int count) => count == 1 ? "1 WAL file" : $"{count} WAL files";

    private static string Ago(DateTimeOffset now, DateTimeOffset then) => HumanFormat.Timedelta(then - now);
}
